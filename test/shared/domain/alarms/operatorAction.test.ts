import { describe, expect, it } from "vitest";
import {
  ALARM_STATES,
  type AlarmInstance,
  type AlarmStateName,
  OPERATOR_ACTIONS,
  type OperatorAction,
} from "../../../../shared/domain/alarms/alarmState.ts";
import { emptyThing, evaluateTelemetry } from "../../../../shared/domain/alarms/evaluateThing.ts";
import { applyOperatorAction } from "../../../../shared/domain/alarms/operatorAction.ts";
import { RuleIndex } from "../../../../shared/domain/alarms/ruleIndex.ts";
import { ActionNotAllowedError } from "../../../../shared/errors.ts";
import { thresholdRule } from "../../../support/alarmRules.ts";

const NOW = Date.parse("2026-11-25T12:00:00.000Z");
const actor = { id: "arn:aws:iam::123456789012:user/ana", note: "checking burner" };

function instance(state: AlarmStateName, extra: Partial<AlarmInstance> = {}): AlarmInstance {
  return {
    ruleId: "oven-overheat",
    state,
    since: NOW - 60_000,
    breaching: state === "ACTIVE",
    lastSampleTime: NOW - 1_000,
    ...extra,
  };
}

/** Expected outcome of each action from each state: the new state, or "refused". */
const MATRIX: Record<OperatorAction, Record<AlarmStateName, AlarmStateName | "refused">> = {
  ACKNOWLEDGE: {
    NORMAL: "refused",
    ACTIVE: "ACKNOWLEDGED",
    ACKNOWLEDGED: "refused",
    LATCHED: "NORMAL",
    SNOOZED: "refused",
    DISABLED: "refused",
  },
  SNOOZE: {
    NORMAL: "SNOOZED",
    ACTIVE: "SNOOZED",
    ACKNOWLEDGED: "SNOOZED",
    LATCHED: "SNOOZED",
    SNOOZED: "SNOOZED",
    DISABLED: "refused",
  },
  DISABLE: {
    NORMAL: "DISABLED",
    ACTIVE: "DISABLED",
    ACKNOWLEDGED: "DISABLED",
    LATCHED: "DISABLED",
    SNOOZED: "DISABLED",
    DISABLED: "refused",
  },
  ENABLE: {
    NORMAL: "refused",
    ACTIVE: "refused",
    ACKNOWLEDGED: "refused",
    LATCHED: "refused",
    SNOOZED: "refused",
    DISABLED: "NORMAL",
  },
  RESET: {
    NORMAL: "refused",
    ACTIVE: "NORMAL",
    ACKNOWLEDGED: "NORMAL",
    LATCHED: "NORMAL",
    SNOOZED: "NORMAL",
    DISABLED: "refused",
  },
};

describe("applyOperatorAction", () => {
  const cases = OPERATOR_ACTIONS.flatMap((action) =>
    ALARM_STATES.map((from) => ({ action, from, to: MATRIX[action][from] })),
  );

  it.each(cases)("$action from $from gives $to", ({ action, from, to }) => {
    const act = () =>
      applyOperatorAction("oven-overheat:oven-3", instance(from), {
        action,
        actor,
        now: NOW,
        durationMs: 1_800_000,
      });

    if (to === "refused") {
      expect(act).toThrow(ActionNotAllowedError);
    } else {
      expect(act().instance.state).toBe(to);
    }
  });

  it("records who acted in the reason and keeps the last sample time, so late samples stay late", () => {
    const { instance: after, change } = applyOperatorAction("oven-overheat:oven-3", instance("ACTIVE"), {
      action: "ACKNOWLEDGE",
      actor,
      now: NOW,
    });

    expect(change).toEqual({ from: "ACTIVE", to: "ACKNOWLEDGED", reason: `acknowledged by ${actor.id}` });
    expect(after.lastSampleTime).toBe(NOW - 1_000);
  });

  it("snoozes until now plus the duration, and snoozing again extends it without a transition", () => {
    const first = applyOperatorAction("a:b", instance("ACTIVE"), {
      action: "SNOOZE",
      actor,
      now: NOW,
      durationMs: 60_000,
    });
    const again = applyOperatorAction("a:b", first.instance, {
      action: "SNOOZE",
      actor,
      now: NOW + 10_000,
      durationMs: 60_000,
    });

    expect(first.instance.snoozedUntil).toBe(NOW + 60_000);
    expect(first.change?.reason).toBe(`snoozed for 60s by ${actor.id}`);
    expect(again.instance.snoozedUntil).toBe(NOW + 70_000);
    expect(again.change).toBeUndefined();
  });

  it("refuses a snooze without a positive duration", () => {
    expect(() =>
      applyOperatorAction("a:b", instance("ACTIVE"), { action: "SNOOZE", actor, now: NOW }),
    ).toThrow(ActionNotAllowedError);
    expect(() =>
      applyOperatorAction("a:b", instance("ACTIVE"), { action: "SNOOZE", actor, now: NOW, durationMs: 0 }),
    ).toThrow(ActionNotAllowedError);
  });
});

describe("acknowledged and latched alarms under telemetry", () => {
  const rules = (latch: boolean) =>
    new RuleIndex({ version: "1", rules: [thresholdRule({ latch })] }).forThing("oven-3", undefined);
  const sample = (latch: boolean, doc = emptyThing("oven-3"), seconds = 0, temperature = 260) =>
    evaluateTelemetry(
      doc,
      {
        receivedAt: NOW + seconds * 1000,
        samples: [{ time: NOW + seconds * 1000, metrics: { temperature } }],
      },
      { rules: rules(latch), device: undefined, now: NOW + seconds * 1000 },
    );
  const withState = (
    doc: ReturnType<typeof sample>["doc"],
    state: AlarmStateName,
    instanceOverride?: AlarmInstance,
  ) => ({
    ...doc,
    alarms: {
      "oven-overheat": instanceOverride ?? { ...(doc.alarms["oven-overheat"] as AlarmInstance), state },
    },
  });

  it("returns an acknowledged alarm to NORMAL when the condition clears, even with latch", () => {
    const active = sample(true).doc;
    const acknowledged = withState(active, "ACKNOWLEDGED");

    expect(sample(true, acknowledged, 1, 270).transitions).toEqual([]);
    expect(sample(true, acknowledged, 2, 240).transitions.map((t) => [t.from, t.to])).toEqual([
      ["ACKNOWLEDGED", "NORMAL"],
    ]);
  });

  it("keeps a latched alarm until it is acknowledged, then it is NORMAL and re-armed", () => {
    const latched = sample(true, sample(true).doc, 1, 240).doc;
    expect(latched.alarms["oven-overheat"]?.state).toBe("LATCHED");

    const { instance: acknowledged } = applyOperatorAction(
      "oven-overheat:oven-3",
      latched.alarms["oven-overheat"] as AlarmInstance,
      {
        action: "ACKNOWLEDGE",
        actor,
        now: NOW + 5_000,
      },
    );
    const rearmed = withState(latched, "NORMAL", acknowledged);

    expect(acknowledged.state).toBe("NORMAL");
    expect(sample(true, rearmed, 6, 260).transitions.map((t) => [t.from, t.to])).toEqual([
      ["NORMAL", "ACTIVE"],
    ]);
  });
});
