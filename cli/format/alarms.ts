import type { AlarmView, HistoryView } from "../../shared/contracts/operatorApi.ts";
import type { AlarmStateName } from "../../shared/domain/alarms/alarmState.ts";
import {
  formatFields,
  formatTable,
  type OutputStyle,
  orDash,
  type Paint,
  paint,
  shortTime,
} from "./table.ts";

/** How `plantwatch alarms` shows alarms to people (`--json` prints the API's views instead). */

const STATE_PAINT: Readonly<Record<AlarmStateName, Paint | undefined>> = {
  NORMAL: "green",
  ACTIVE: "red",
  ACKNOWLEDGED: "yellow",
  LATCHED: "red",
  SNOOZED: "grey",
  DISABLED: "grey",
};

export function paintState(style: OutputStyle, state: AlarmStateName): string {
  const colour = STATE_PAINT[state];
  return colour === undefined ? state : paint(style, colour, state);
}

/** What else an operator should know at a glance: snoozed until, silenced by, escalated to. */
function remarks(alarm: AlarmView): string {
  return [
    alarm.snoozedUntil === undefined ? undefined : `snoozed until ${shortTime(alarm.snoozedUntil)}`,
    alarm.silencedBy === undefined ? undefined : `silenced by ${alarm.silencedBy}`,
    alarm.escalatedTo === undefined ? undefined : `escalated to ${alarm.escalatedTo}`,
  ]
    .filter((remark) => remark !== undefined)
    .join("; ");
}

export function formatAlarmTable(alarms: readonly AlarmView[], style: OutputStyle): string {
  if (alarms.length === 0) return "No alarms match.\n";
  return formatTable(
    ["ALARM", "STATE", "SEVERITY", "SINCE", "SITE", "LINE", "RULE", "REMARKS"],
    alarms.map((alarm) => [
      alarm.alarmId,
      paintState(style, alarm.state),
      alarm.rule.severity,
      shortTime(alarm.since),
      orDash(alarm.device.site),
      orDash(alarm.device.line),
      alarm.rule.name,
      remarks(alarm),
    ]),
    style,
  );
}

/** `3 alarms: 1 ACTIVE, 2 ACKNOWLEDGED`. */
export function formatAlarmCounts(alarms: readonly AlarmView[]): string {
  const counts = new Map<string, number>();
  for (const alarm of alarms) counts.set(alarm.state, (counts.get(alarm.state) ?? 0) + 1);
  const parts = [...counts].map(([state, n]) => `${n} ${state}`);
  return `${alarms.length} alarm(s)${parts.length > 0 ? `: ${parts.join(", ")}` : ""}\n`;
}

export function formatAlarmDetail(
  alarm: AlarmView,
  history: readonly HistoryView[] | undefined,
  style: OutputStyle,
): string {
  const { site, line } = alarm.device;
  const where = [
    site === undefined ? undefined : `site ${site}`,
    line === undefined ? undefined : `line ${line}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  const fields = formatFields([
    ["Alarm", alarm.alarmId],
    ["Rule", `${alarm.rule.id}: ${alarm.rule.name} (${alarm.rule.kind}, ${alarm.rule.severity})`],
    ["Thing", where === "" ? alarm.thingName : `${alarm.thingName} (${where})`],
    ["State", `${paintState(style, alarm.state)} since ${shortTime(alarm.since)}`],
    ["Active since", alarm.activeSince === undefined ? undefined : shortTime(alarm.activeSince)],
    ["Snoozed until", alarm.snoozedUntil === undefined ? undefined : shortTime(alarm.snoozedUntil)],
    ["Escalated to", alarm.escalatedTo],
    ["Silenced by", alarm.silencedBy],
    ["Last notified", alarm.lastNotifiedAt === undefined ? undefined : shortTime(alarm.lastNotifiedAt)],
  ]);
  if (history === undefined) return fields;
  if (history.length === 0) return `${fields}\nHistory: none recorded.\n`;
  return `${fields}\nHistory:\n${formatTable(
    ["TIME", "WHAT", "DETAIL"],
    history.map((entry) => [shortTime(entry.at), ...describeHistory(entry, style)]),
    style,
  )}`;
}

function by(actor: { readonly id: string; readonly note?: string }): string {
  return `by ${actor.id}${actor.note === undefined ? "" : `: ${JSON.stringify(actor.note)}`}`;
}

/** A history entry as [what, detail]. */
export function describeHistory(entry: HistoryView, style: OutputStyle): [string, string] {
  switch (entry.kind) {
    case "transition": {
      const what = `${paintState(style, entry.from)} → ${paintState(style, entry.to)}`;
      const trigger =
        entry.trigger === undefined
          ? ""
          : ` (${entry.trigger.metric} ${String(entry.trigger.value)} at ${shortTime(entry.trigger.sampleTime)})`;
      const actor = entry.actor === undefined ? "" : `; ${entry.action ?? "action"} ${by(entry.actor)}`;
      return [what, `${entry.reason}${trigger}${actor}`];
    }
    case "action":
      return [
        entry.action,
        `${by(entry.actor)}; state stays ${entry.state}${entry.detail === undefined ? "" : ` (${entry.detail})`}`,
      ];
    case "late":
      return [
        "late sample",
        `${entry.metric} ${String(entry.value)}: not newer than ${shortTime(entry.lastSampleTime)}, not evaluated`,
      ];
    case "reminder":
      return [`${entry.reminder} #${entry.number}`, `notified again as ${entry.severity}`];
    default:
      // A kind this CLI does not know yet: show what there is rather than nothing.
      return [String((entry as { kind?: unknown }).kind), JSON.stringify(entry)];
  }
}
