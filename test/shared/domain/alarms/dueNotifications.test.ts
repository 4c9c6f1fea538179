import { describe, expect, it } from "vitest";
import type {
  AlarmInstance,
  AlarmStateName,
  ThingAlarms,
} from "../../../../shared/domain/alarms/alarmState.ts";
import { dueNotifications } from "../../../../shared/domain/alarms/dueNotifications.ts";
import { RuleIndex } from "../../../../shared/domain/alarms/ruleIndex.ts";
import { thresholdRule } from "../../../support/alarmRules.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const minutes = (n: number) => T0 + n * 60_000;
const rules = new RuleIndex({
  version: "1",
  rules: [
    thresholdRule({
      id: "loud",
      notify: { repeatMs: 30 * 60_000, escalate: { afterMs: 15 * 60_000, severity: "critical" } },
      severity: "major",
    }),
    thresholdRule({ id: "quiet" }),
  ],
}).forThing("oven-3", undefined);

function doc(ruleId: string, state: AlarmStateName, extra: Partial<AlarmInstance> = {}): ThingAlarms {
  return {
    thingName: "oven-3",
    version: 3,
    alarms: { [ruleId]: { ruleId, state, since: T0, activeSince: T0, breaching: true, ...extra } },
  };
}

describe("dueNotifications", () => {
  it("finds an escalation once its time has come, and only once", () => {
    expect(dueNotifications(doc("loud", "ACTIVE"), rules, minutes(14))).toEqual([]);
    expect(dueNotifications(doc("loud", "ACTIVE"), rules, minutes(15))).toEqual([
      { kind: "escalate", alarmId: "loud:oven-3", ruleId: "loud", severity: "critical" },
    ]);
    expect(dueNotifications(doc("loud", "ACTIVE", { escalatedTo: "critical" }), rules, minutes(20))).toEqual(
      [],
    );
  });

  it("finds a repeat every interval since the alarm was raised or last told", () => {
    const told = doc("loud", "ACTIVE", { escalatedTo: "critical", lastNotifiedAt: minutes(30) });

    expect(dueNotifications(doc("loud", "ACTIVE", { escalatedTo: "critical" }), rules, minutes(30))).toEqual([
      { kind: "repeat", alarmId: "loud:oven-3", ruleId: "loud" },
    ]);
    expect(dueNotifications(told, rules, minutes(59))).toEqual([]);
    expect(dueNotifications(told, rules, minutes(60))).toHaveLength(1);
  });

  it.each(["ACKNOWLEDGED", "LATCHED", "SNOOZED", "NORMAL", "DISABLED"] as const)(
    "finds nothing for a %s alarm",
    (state) => {
      expect(dueNotifications(doc("loud", state), rules, minutes(120))).toEqual([]);
    },
  );

  it("finds nothing for a rule without notify, or an instance whose rule no longer applies", () => {
    expect(dueNotifications(doc("quiet", "ACTIVE"), rules, minutes(120))).toEqual([]);
    expect(dueNotifications(doc("gone", "ACTIVE"), rules, minutes(120))).toEqual([]);
  });
});
