import type {
  AlarmView,
  DeviceView,
  HistoryView,
  SilenceView,
} from "../../../shared/contracts/operatorApi.ts";
import { type AlarmInstance, alarmIdOf, type ThingAlarms } from "../../../shared/domain/alarms/alarmState.ts";
import type { HistoryEntry } from "../../../shared/domain/alarms/history.ts";
import type { RuleKind, Severity } from "../../../shared/domain/alarms/rule.ts";
import { type Silence, silenceActiveAt, silencing } from "../../../shared/domain/silences/silence.ts";
import type { DeviceRecord } from "../../../shared/ports/deviceRegistry.ts";

/** What a view needs of a rule: its C5 summary. */
export interface RuleSummary {
  readonly id: string;
  readonly name: string;
  readonly severity: Severity;
  readonly kind: RuleKind;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** States in which an alarm counts as active for a device's summary. */
export function isActiveState(instance: AlarmInstance): boolean {
  return instance.state !== "NORMAL" && instance.state !== "DISABLED";
}

export function alarmView(
  thingName: string,
  instance: AlarmInstance,
  rule: RuleSummary,
  device: DeviceRecord | undefined,
  silences: readonly Silence[],
  now: number,
): AlarmView {
  const where = { thingName, site: device?.site, line: device?.line };
  const silence = silencing(silences, where, now);
  return {
    alarmId: alarmIdOf(rule.id, thingName),
    thingName,
    rule: { id: rule.id, name: rule.name, severity: rule.severity, kind: rule.kind },
    device: {
      ...(device?.site === undefined ? {} : { site: device.site }),
      ...(device?.line === undefined ? {} : { line: device.line }),
    },
    state: instance.state,
    since: iso(instance.since),
    ...(instance.activeSince === undefined ? {} : { activeSince: iso(instance.activeSince) }),
    ...(instance.snoozedUntil === undefined ? {} : { snoozedUntil: iso(instance.snoozedUntil) }),
    ...(instance.lastNotifiedAt === undefined ? {} : { lastNotifiedAt: iso(instance.lastNotifiedAt) }),
    ...(instance.escalatedTo === undefined ? {} : { escalatedTo: instance.escalatedTo }),
    ...(silence === undefined ? {} : { silencedBy: silence.id }),
  };
}

/** The views of a thing's alarms whose rule still exists, by alarm id. */
export function alarmViewsOf(
  doc: ThingAlarms,
  rules: ReadonlyMap<string, RuleSummary>,
  device: DeviceRecord | undefined,
  silences: readonly Silence[],
  now: number,
): AlarmView[] {
  const views: AlarmView[] = [];
  for (const instance of Object.values(doc.alarms)) {
    const rule = rules.get(instance.ruleId);
    // An instance outlives its rule until the thing's document is next written; it is not an alarm any more.
    if (rule) views.push(alarmView(doc.thingName, instance, rule, device, silences, now));
  }
  return views.sort((a, b) => compare(a.alarmId, b.alarmId));
}

export function deviceView(
  device: DeviceRecord,
  doc: ThingAlarms | undefined,
  rules: ReadonlyMap<string, RuleSummary>,
): DeviceView {
  const activeAlarms = Object.values(doc?.alarms ?? {}).filter(
    (instance) => rules.has(instance.ruleId) && isActiveState(instance),
  ).length;
  return {
    thingName: device.thingName,
    ...(device.site === undefined ? {} : { site: device.site }),
    ...(device.line === undefined ? {} : { line: device.line }),
    ...(device.model === undefined ? {} : { model: device.model }),
    ...(device.attributes === undefined ? {} : { attributes: device.attributes }),
    ...lastSeenOf(device, doc),
    ...(doc?.connectivity === undefined
      ? {}
      : { connectivity: { connected: doc.connectivity.connected, since: iso(doc.connectivity.since) } }),
    activeAlarms,
    ...(device.provisioned === false ? { provisioned: false as const } : {}),
  };
}

/**
 * The later of the registry's `lastSeen` (ingest, direct mode) and the alarm document's last report
 * (the stream consumer writes it at least every `TELEMETRY_REFRESH_MS`; direct mode on every message).
 */
function lastSeenOf(device: DeviceRecord, doc: ThingAlarms | undefined): { lastSeen?: string } {
  const times = [device.lastSeen, doc?.lastTelemetryAt].filter((time) => typeof time === "number");
  return times.length === 0 ? {} : { lastSeen: iso(Math.max(...times)) };
}

export function historyView(entry: HistoryEntry): HistoryView {
  switch (entry.kind) {
    case "reminder":
      return {
        kind: "reminder",
        at: iso(entry.at),
        reminder: entry.reminder,
        number: entry.number,
        severity: entry.severity,
      };
    case "transition":
      return {
        kind: "transition",
        at: iso(entry.at),
        from: entry.from,
        to: entry.to,
        reason: entry.reason,
        ...(entry.trigger === undefined
          ? {}
          : {
              trigger: {
                metric: entry.trigger.metric,
                value: entry.trigger.value,
                sampleTime: iso(entry.trigger.sampleTime),
              },
            }),
        ...(entry.actor === undefined ? {} : { actor: actorView(entry.actor) }),
        ...(entry.action === undefined ? {} : { action: entry.action }),
      };
    case "late":
      return {
        kind: "late",
        at: iso(entry.at),
        metric: entry.metric,
        value: entry.value,
        lastSampleTime: iso(entry.lastSampleTime),
        receivedAt: iso(entry.receivedAt),
      };
  }
  return {
    kind: "action",
    at: iso(entry.at),
    action: entry.action,
    actor: actorView(entry.actor),
    state: entry.state,
    ...(entry.detail === undefined ? {} : { detail: entry.detail }),
  };
}

export function silenceView(silence: Silence, now: number): SilenceView {
  return {
    id: silence.id,
    match: silence.match,
    startsAt: iso(silence.startsAt),
    endsAt: iso(silence.endsAt),
    createdBy: silence.createdBy,
    createdAt: iso(silence.createdAt),
    ...(silence.comment === undefined ? {} : { comment: silence.comment }),
    active: silenceActiveAt(silence, now),
  };
}

function actorView(actor: { readonly id: string; readonly note?: string }) {
  return { id: actor.id, ...(actor.note === undefined ? {} : { note: actor.note }) };
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
