import { describe, expect, it } from "vitest";
import { alarmSpans } from "../../../../shared/domain/kpis/alarmSpans.ts";

const range = { from: 1000, to: 2000, currentState: "NORMAL" as const };

describe("alarmSpans", () => {
  it("pairs a raise with its acknowledgement and clearing, even after the range", () => {
    const spans = alarmSpans(
      "overheat",
      "major",
      [
        { at: 1100, from: "NORMAL", to: "ACTIVE" },
        { at: 1150, from: "ACTIVE", to: "ACKNOWLEDGED", action: "ACKNOWLEDGE" },
        { at: 2500, from: "ACKNOWLEDGED", to: "NORMAL" },
      ],
      range,
    );
    expect(spans).toEqual([
      {
        ruleId: "overheat",
        severity: "major",
        raisedAt: 1100,
        raisedInRange: true,
        acknowledgedAt: 1150,
        clearedAt: 2500,
      },
    ]);
  });

  it("counts an alarm raised before the range for its time in alarm only", () => {
    const spans = alarmSpans("jam", undefined, [{ at: 1300, from: "ACTIVE", to: "NORMAL" }], range);
    expect(spans).toEqual([{ ruleId: "jam", raisedAt: 1000, raisedInRange: false, clearedAt: 1300 }]);
  });

  it("reads an alarm in alarm all through the range from its current state", () => {
    expect(alarmSpans("jam", undefined, [], { ...range, currentState: "ACTIVE" })).toEqual([
      { ruleId: "jam", raisedAt: 1000, raisedInRange: false },
    ]);
    expect(alarmSpans("jam", undefined, [], range)).toEqual([]);
  });

  it("ends a raise without clearing it when an operator resets or disables the alarm", () => {
    const spans = alarmSpans(
      "jam",
      undefined,
      [
        { at: 1100, from: "NORMAL", to: "ACTIVE" },
        { at: 1200, from: "ACTIVE", to: "NORMAL", action: "RESET" },
      ],
      range,
    );
    expect(spans).toEqual([{ ruleId: "jam", raisedAt: 1100, raisedInRange: true, endedAt: 1200 }]);
  });
});
