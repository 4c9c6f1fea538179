import type { AlarmInstance, ThingAlarms } from "./alarmState.ts";
import type { ThingEvaluation } from "./evaluateThing.ts";
import type { ThingRules } from "./ruleIndex.ts";

/** How often a reporting thing's stored `lastTelemetryAt` is brought up to date. */
export const TELEMETRY_REFRESH_MS = 15 * 60_000;

/**
 * Whether an evaluation of `held` (the document in memory, whose durable part is the stored one's)
 * must be written before the stream consumer goes on, or may stay in memory
 * (and in the shard checkpoint) until something that must be written comes along.
 *
 * Written: transitions, reminders and history notes (the outbox rule: an event leaves only after
 * its commit), and every change of the state an operator, the API or the console reads — an
 * alarm's state and its since, a pending `for`/`count` condition starting, counting or ending, the
 * notification bookkeeping, connectivity. Kept in memory: what moves with every message —
 * `lastSampleTime`, a rate rule's window, `breaching`, `lastTelemetryAt` (written when a thing
 * with offline rules first reports, then every `TELEMETRY_REFRESH_MS`).
 */
export function mustPersist(
  held: ThingAlarms,
  evaluation: ThingEvaluation,
  rules: ThingRules,
  storedTelemetryAt: number | undefined,
): boolean {
  if (evaluation.transitions.length > 0 || (evaluation.reminders?.length ?? 0) > 0) return true;
  if ((evaluation.notes?.length ?? 0) > 0) return true;
  const next = evaluation.doc;
  if (!sameConnectivity(held, next)) return true;
  const ruleIds = new Set([...Object.keys(held.alarms), ...Object.keys(next.alarms)]);
  for (const ruleId of ruleIds) {
    if (!sameDurableInstance(held.alarms[ruleId], next.alarms[ruleId])) return true;
  }
  // The stored lastTelemetryAt only spares the sweep's ticks: a thing that looks silent gets a
  // tick, evaluated on memory (cheaper than a write per message). Written when the thing first
  // reports (so the sweep sees it at all) and then now and again.
  if (rules.offline.length === 0 || next.lastTelemetryAt === undefined) return false;
  return storedTelemetryAt === undefined || next.lastTelemetryAt - storedTelemetryAt >= TELEMETRY_REFRESH_MS;
}

function sameConnectivity(a: ThingAlarms, b: ThingAlarms): boolean {
  return (
    a.connectivity?.connected === b.connectivity?.connected && a.connectivity?.since === b.connectivity?.since
  );
}

/** Equal but for what moves with every sample; an absent instance is a fresh NORMAL one. */
export function sameDurableInstance(a: AlarmInstance | undefined, b: AlarmInstance | undefined): boolean {
  if (a === undefined || b === undefined) {
    const present = a ?? b;
    return present === undefined || isFresh(present);
  }
  return JSON.stringify(durablePart(a)) === JSON.stringify(durablePart(b));
}

function durablePart(instance: AlarmInstance) {
  const { lastSampleTime: _t, window: _w, breaching: _b, ...durable } = instance;
  // Key order differs between spreads: compare sorted.
  return Object.fromEntries(Object.entries(durable).sort(([x], [y]) => (x < y ? -1 : 1)));
}

function isFresh(instance: AlarmInstance): boolean {
  return instance.state === "NORMAL" && instance.pending === undefined && instance.activeSince === undefined;
}
