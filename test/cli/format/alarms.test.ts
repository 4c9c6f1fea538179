import { describe, expect, it } from "vitest";
import { formatAlarmTable } from "../../../cli/format/alarms.ts";
import type { AlarmView } from "../../../shared/contracts/operatorApi.ts";

describe("formatAlarmTable", () => {
  it("colours the state and keeps the columns aligned", () => {
    const alarm: AlarmView = {
      alarmId: "oven-overheat:oven-3",
      thingName: "oven-3",
      rule: { id: "oven-overheat", name: "Oven", severity: "critical", kind: "threshold" },
      device: {},
      state: "ACTIVE",
      since: "2026-11-25T12:00:00.000Z",
    };

    const coloured = formatAlarmTable([alarm], { colour: true });
    const plain = formatAlarmTable([alarm], { colour: false });

    expect(coloured).toContain("\u001b[31mACTIVE\u001b[39m");
    expect(coloured.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, "g"), "")).toBe(plain);
  });
});
