import type {
  KpiBucket,
  KpiFacts,
  KpiGroup,
  KpiGroupWithBuckets,
  KpiResponse,
} from "../../contracts/kpis.ts";
import type { AlarmHistoryReader } from "../../ports/alarmHistory.ts";
import type { AlarmStore } from "../../ports/alarmStore.ts";
import type { Clock } from "../../ports/clock.ts";
import type { DeviceRecord } from "../../ports/deviceRegistry.ts";
import type { SeriesFacts } from "../../ports/seriesFacts.ts";
import { alarmIdOf } from "../alarms/alarmState.ts";
import type { Severity } from "../alarms/rule.ts";
import { alarmSpans, IN_ALARM, type Transition } from "./alarmSpans.ts";
import { bucketsOf, SLOT_MS } from "./buckets.ts";
import { type AlarmSpan, deviceFacts } from "./deviceFacts.ts";
import { sumFacts } from "./facts.ts";
import { summaryOf } from "./figures.ts";
import type { Interval } from "./intervals.ts";
import type { Plant } from "./machineModel.ts";
import { plannedIntervals } from "./plannedTime.ts";

export interface KpiDependencies {
  readonly series: SeriesFacts;
  readonly alarms: Pick<AlarmStore, "load"> & AlarmHistoryReader;
  readonly plant: Plant;
  /** Read between batches of devices, against the request's `deadline`. */
  readonly clock: Clock;
}

/** A validated request; `devices` already selected from the registry (by site, line or name). */
export interface KpiRequest {
  readonly devices: readonly DeviceRecord[];
  readonly from: number;
  readonly to: number;
  readonly bucket: KpiBucket;
  /** Epoch ms: the last sample's state holds at most until now. */
  readonly now: number;
  /** Rule severities by id (rules since deleted have none). */
  readonly severities: ReadonlyMap<string, Severity>;
  /** Epoch ms: no batch of devices is started after it (`KpiDeadlineError`). */
  readonly deadline: number;
}

/**
 * The selection could not be computed before the request's deadline: the devices not yet started
 * are left out rather than answered late (API Gateway gives up after 30 s) or answered partly.
 */
export class KpiDeadlineError extends Error {
  override readonly name = "KpiDeadlineError";
  constructor(
    readonly computed: number,
    readonly selected: number,
  ) {
    super(`${computed} of ${selected} devices computed before the deadline`);
  }
}

const HISTORY_PAGE = 200;
/** Devices computed at once: each asks the store three aggregation queries. */
const PARALLEL_DEVICES = 8;

/**
 * C9: each device's facts from the series store's aggregates and its alarm history, then summed
 * per line and for the selection (sums first, ratios last). Devices come sorted by thing name.
 */
export async function computeKpis(
  deps: KpiDependencies,
  request: KpiRequest,
): Promise<Omit<KpiResponse, "devices" | "next"> & { devices: KpiGroup[] }> {
  const { from, to } = request;
  const buckets = bucketsOf(from, to, request.bucket, deps.plant.timeZone, deps.plant.shifts);
  const periods: Interval[] = [...buckets, { start: from, end: to }];
  // Code-unit order, the order `pageOf` continues a page in (localeCompare would put "B-1" after "a-1").
  const devices = [...request.devices].sort((a, b) =>
    a.thingName < b.thingName ? -1 : a.thingName > b.thingName ? 1 : 0,
  );
  const facts: KpiFacts[][] = [];
  for (let index = 0; index < devices.length; index += PARALLEL_DEVICES) {
    if (index > 0 && deps.clock.now() >= request.deadline) throw new KpiDeadlineError(index, devices.length);
    const batch = devices.slice(index, index + PARALLEL_DEVICES);
    facts.push(...(await Promise.all(batch.map((device) => oneDevice(deps, request, device, periods)))));
  }
  const group = (
    members: readonly number[],
    key: Omit<KpiGroup, "devices" | "total">,
  ): KpiGroupWithBuckets => {
    const summed = periods.map((_, p) => sumFacts(members.map((m) => facts[m]?.[p] as KpiFacts)));
    return {
      ...key,
      devices: members.length,
      total: summaryOf(summed.at(-1) as KpiFacts),
      buckets: buckets.map((bucket, b) => ({
        start: new Date(bucket.start).toISOString(),
        end: new Date(bucket.end).toISOString(),
        ...summaryOf(summed[b] as KpiFacts),
      })),
    };
  };
  const lines = new Map<string, { site?: string; line?: string; members: number[] }>();
  devices.forEach((device, index) => {
    const key = JSON.stringify([device.site ?? null, device.line ?? null]);
    const entry = lines.get(key) ?? {
      ...(device.site === undefined ? {} : { site: device.site }),
      ...(device.line === undefined ? {} : { line: device.line }),
      members: [],
    };
    entry.members.push(index);
    lines.set(key, entry);
  });
  const sites = new Set(devices.map((d) => d.site));
  const onlySite = sites.size === 1 ? devices[0]?.site : undefined;
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket: request.bucket,
    timeZone: deps.plant.timeZone,
    shifts: deps.plant.shifts,
    selection: group(
      devices.map((_, index) => index),
      onlySite === undefined ? {} : { site: onlySite },
    ),
    lines: [...lines.values()]
      .sort(
        (a, b) => (a.site ?? "").localeCompare(b.site ?? "") || (a.line ?? "").localeCompare(b.line ?? ""),
      )
      .map(({ members, ...key }) => group(members, key)),
    devices: devices.map((device, index) => ({
      thingName: device.thingName,
      ...(device.site === undefined ? {} : { site: device.site }),
      ...(device.line === undefined ? {} : { line: device.line }),
      devices: 1,
      total: summaryOf(facts[index]?.at(-1) as KpiFacts),
    })),
  };
}

async function oneDevice(
  deps: KpiDependencies,
  request: KpiRequest,
  device: DeviceRecord,
  periods: readonly Interval[],
): Promise<KpiFacts[]> {
  const { from, to } = request;
  const machine = deps.plant.machineFor(device);
  const thingName = device.thingName;
  const gapAfterMs = machine.gapAfterMs;
  const counter = async (metric: string | null) => {
    if (metric === null) return null;
    const slots = await deps.series.counterIncreases({
      thingName,
      metric,
      from,
      to,
      gapAfterMs,
      slotMs: SLOT_MS,
    });
    return slots.length === 0 ? null : slots;
  };
  const [segments, partsTotal, partsGood, alarms] = await Promise.all([
    deps.series.runSegments({
      thingName,
      metric: machine.running.metric,
      threshold: machine.running.threshold,
      from,
      to,
      gapAfterMs,
      horizon: Math.min(to + gapAfterMs, request.now),
    }),
    counter(machine.partsTotal),
    counter(machine.partsGood),
    alarmsOf(deps, request, thingName),
  ]);
  return deviceFacts(
    {
      from,
      to,
      now: request.now,
      planned: plannedIntervals(from, to, machine.planned),
      segments,
      partsTotal,
      partsGood,
      idealCycleMs: machine.idealCycleMs,
      alarms,
    },
    periods,
  );
}

/**
 * The thing's alarms' raises in the range, from each alarm's history from `from` on; read past `to`
 * only while a raise in the range is still open, so its acknowledgement and clearing count.
 */
async function alarmsOf(deps: KpiDependencies, request: KpiRequest, thingName: string): Promise<AlarmSpan[]> {
  const thing = await deps.alarms.load(thingName);
  if (thing === undefined) return [];
  const spans: AlarmSpan[] = [];
  for (const [ruleId, instance] of Object.entries(thing.alarms)) {
    const transitions: Transition[] = [];
    let after = new Date(request.from).toISOString();
    reading: for (;;) {
      const page = await deps.alarms.history(alarmIdOf(ruleId, thingName), { limit: HISTORY_PAGE, after });
      for (const entry of page.entries) {
        if (entry.kind !== "transition") continue;
        const { at, from, to, action } = entry;
        transitions.push(action === undefined ? { at, from, to } : { at, from, to, action });
        // Past the range, read on only to see an open raise acknowledged and cleared.
        if (at >= request.to && !(IN_ALARM.has(from) && IN_ALARM.has(to))) break reading;
      }
      if (page.last === undefined) break;
      after = page.last;
    }
    spans.push(
      ...alarmSpans(ruleId, request.severities.get(ruleId), transitions, {
        from: request.from,
        to: request.to,
        currentState: instance.state,
      }),
    );
  }
  return spans;
}
