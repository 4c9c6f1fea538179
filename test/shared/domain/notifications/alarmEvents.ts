import type { AlarmEventDetail, AlarmReminderDetail } from "../../../../shared/domain/alarms/alarmEvent.ts";
import { alarmIdOf, type ThingAlarms } from "../../../../shared/domain/alarms/alarmState.ts";
import { applyReminders } from "../../../../shared/domain/alarms/dueNotifications.ts";
import {
  emptyThing,
  evaluateTelemetry,
  evaluateTick,
} from "../../../../shared/domain/alarms/evaluateThing.ts";
import type { ActionRequest } from "../../../../shared/domain/alarms/operatorAction.ts";
import { applyOperatorAction } from "../../../../shared/domain/alarms/operatorAction.ts";
import type { AlarmRule, ThresholdRule } from "../../../../shared/domain/alarms/rule.ts";
import { RuleIndex } from "../../../../shared/domain/alarms/ruleIndex.ts";
import { toAlarmEvent, toReminderEvent } from "../../../../shared/domain/alarms/toAlarmEvent.ts";
import type { Transition } from "../../../../shared/domain/alarms/transition.ts";
import type { MetricValue } from "../../../../shared/domain/ingest/types.ts";
import type { DeviceRecord } from "../../../../shared/ports/deviceRegistry.ts";
import { offlineRule, thresholdRule } from "../../../support/alarmRules.ts";

/**
 * Real C5 details: made by the alarm engine's own functions (samples through `evaluateTelemetry`,
 * the offline sweep through `evaluateTick`, operator actions through `applyOperatorAction` as the
 * engine applies them) and turned into events by `toAlarmEvent`, as the publisher sends them.
 */
class Alarm {
  #doc: ThingAlarms;
  readonly #index: RuleIndex;

  constructor(
    readonly rule: AlarmRule,
    readonly device: DeviceRecord,
  ) {
    this.#doc = emptyThing(device.thingName);
    this.#index = new RuleIndex({ version: "1", rules: [rule] });
  }

  get #context() {
    return { rules: this.#index.forThing(this.device.thingName, this.device), device: this.device };
  }

  /** One message per sample; the details of every transition, in order. */
  samples(
    metric: string,
    samples: readonly (readonly [iso: string, value: MetricValue])[],
  ): AlarmEventDetail[] {
    return samples.flatMap(([iso, value]) => {
      const time = Date.parse(iso);
      const evaluation = evaluateTelemetry(
        this.#doc,
        { receivedAt: time + 150, samples: [{ time, metrics: { [metric]: value } }] },
        { ...this.#context, now: time + 200 },
      );
      this.#doc = evaluation.doc;
      return this.#details(evaluation.transitions);
    });
  }

  sweep(iso: string): AlarmEventDetail[] {
    const evaluation = evaluateTick(this.#doc, { ...this.#context, now: Date.parse(iso) });
    this.#doc = evaluation.doc;
    return this.#details(evaluation.transitions);
  }

  /** The reminders the sweep sends at `iso`, as it commits them. */
  remind(iso: string): AlarmReminderDetail[] {
    const { doc, reminders } = applyReminders(this.#doc, this.#context.rules, Date.parse(iso));
    this.#doc = doc;
    return reminders.map((reminder) => toReminderEvent(reminder, this.rule, this.device));
  }

  act(iso: string, request: Omit<ActionRequest, "now">): AlarmEventDetail[] {
    const now = Date.parse(iso);
    const alarmId = alarmIdOf(this.rule.id, this.device.thingName);
    const current = this.#doc.alarms[this.rule.id];
    if (!current) throw new Error(`no alarm ${alarmId} to act on`);
    const { instance, change } = applyOperatorAction(alarmId, current, { ...request, now });
    this.#doc = { ...this.#doc, alarms: { ...this.#doc.alarms, [this.rule.id]: instance } };
    if (!change) return [];
    return this.#details([
      {
        alarmId,
        ruleId: this.rule.id,
        thingName: this.device.thingName,
        ...change,
        at: now,
        actor: request.actor,
        action: request.action,
      },
    ]);
  }

  #details(transitions: readonly Transition[]): AlarmEventDetail[] {
    return transitions.map((transition) => toAlarmEvent(transition, this.rule, this.device));
  }
}

function only(details: readonly AlarmEventDetail[]): AlarmEventDetail {
  const [detail, ...rest] = details;
  if (!detail || rest.length > 0) throw new Error(`expected one transition, got ${details.length}`);
  return detail;
}

const OVEN = { thingName: "oven-3", site: "plant-1", line: "line-2" };
const ANA = "arn:aws:iam::123456789012:user/ana";

function oven(latch = false, overrides: Partial<ThresholdRule> = {}): Alarm {
  const alarm = new Alarm(thresholdRule({ forMs: 60_000, latch, ...overrides }), OVEN);
  alarm.samples("temperature", [
    ["2026-11-25T12:02:09.500Z", 255.1],
    ["2026-11-25T12:02:39.500Z", 258.7],
  ]);
  return alarm;
}

const raise = (alarm: Alarm) => only(alarm.samples("temperature", [["2026-11-25T12:03:09.500Z", 262.4]]));

function thresholdRaised(): AlarmEventDetail {
  return raise(oven());
}

function thresholdCleared(): AlarmEventDetail {
  const alarm = oven();
  raise(alarm);
  return only(alarm.samples("temperature", [["2026-11-25T12:41:12.000Z", 248.9]]));
}

function acknowledged(): AlarmEventDetail {
  const alarm = oven();
  raise(alarm);
  return only(
    alarm.act("2026-11-25T12:05:31.000Z", {
      action: "ACKNOWLEDGE",
      actor: { id: ANA, note: "checking burner 2\nback in 10 min, do not restart the line" },
    }),
  );
}

function latched(): AlarmEventDetail {
  const alarm = oven(true);
  raise(alarm);
  return only(alarm.samples("temperature", [["2026-11-25T12:07:50.000Z", 249.5]]));
}

const REPEAT = 30 * 60_000;

/** Still ACTIVE and unacknowledged an hour after it was raised: the second reminder. */
function repeatReminder(): AlarmEventDetail {
  const alarm = oven(false, { notify: { repeatMs: REPEAT } });
  raise(alarm);
  only(alarm.remind("2026-11-25T12:33:10.000Z"));
  return only(alarm.remind("2026-11-25T13:03:11.000Z"));
}

/** A major alarm escalated to critical after an hour, when its second reminder is due. */
function escalated(): AlarmEventDetail {
  const alarm = oven(false, {
    severity: "major",
    notify: { repeatMs: REPEAT, escalate: { afterMs: 2 * REPEAT, severity: "critical" } },
  });
  raise(alarm);
  only(alarm.remind("2026-11-25T12:33:10.000Z"));
  return only(alarm.remind("2026-11-25T13:03:12.000Z"));
}

function offlineRaised(): AlarmEventDetail {
  const alarm = new Alarm(offlineRule({ id: "press-offline", name: "Press not sending data" }), {
    thingName: "press-7",
    site: "plant-1",
  });
  alarm.samples("pressure", [["2026-11-25T02:54:00.000Z", 181.5]]);
  return only(alarm.sweep("2026-11-25T03:00:00.000Z"));
}

const FURNACE = { thingName: "ofen-3-grosse", site: "werk-sued", line: "linie-7" };

function furnace(): Alarm {
  return new Alarm(
    thresholdRule({
      id: "ofen-status",
      name: "🔥 Ofen überhitzt — 炉温过高 ⚠️",
      severity: "minor",
      metric: "status",
      condition: { op: "!=", value: "OK" },
    }),
    FURNACE,
  );
}

function unicodeRaised(): AlarmEventDetail {
  return only(furnace().samples("status", [["2026-11-25T21:14:03.250Z", "Überhitzung – Brenner 3 🔥 過熱"]]));
}

function unicodeSnoozed(): AlarmEventDetail {
  const alarm = furnace();
  alarm.samples("status", [["2026-11-25T21:14:03.250Z", "Überhitzung – Brenner 3 🔥 過熱"]]);
  return only(
    alarm.act("2026-11-25T21:20:00.000Z", {
      action: "SNOOZE",
      durationMs: 30 * 60_000,
      actor: { id: "jürgen.groß@werk-süd.example", note: "Brenner wird getauscht 🔧 — 30分で戻ります" },
    }),
  );
}

/**
 * As long as each name may be: a rule id of 63 and a name of 200 characters (the rule file's
 * limits), a thing name of 128 (IoT's), a site of 500 and a line of 300 characters (IoT attribute
 * values may have 800), and a 500-character status text in the reason.
 */
function longNames(): AlarmEventDetail {
  const repeat = (unit: string, length: number) =>
    unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  const alarm = new Alarm(
    thresholdRule({
      id: `r${repeat("-hydraulic-unit-pressure-watch", 62)}`,
      name: repeat("Hydraulic unit of the main press line reports an unexpected state ", 200).trim(),
      severity: "warning",
      metric: "status",
      condition: { op: "!=", value: "running" },
    }),
    {
      thingName: repeat("press-line-north-hydraulic-unit-", 128),
      site: repeat("plant-north-hall-b_", 500),
      line: repeat("line-7-", 300),
    },
  );
  return only(
    alarm.samples("status", [
      ["2026-11-25T08:30:00.000Z", repeat("E-STOP: pressure sensor fault; ", 500).trim()],
    ]),
  );
}

/** The golden cases, by the name their files take. */
export const ALARM_EVENTS = {
  "threshold-raised": thresholdRaised,
  "threshold-cleared": thresholdCleared,
  acknowledged,
  latched,
  "offline-raised": offlineRaised,
  "unicode-raised": unicodeRaised,
  "unicode-snoozed": unicodeSnoozed,
  "long-names": longNames,
  "repeat-reminder": repeatReminder,
  escalated,
} satisfies Record<string, () => AlarmEventDetail>;

export type AlarmEventCase = keyof typeof ALARM_EVENTS;
