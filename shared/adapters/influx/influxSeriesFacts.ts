import { INFLUX_MEASUREMENT, PARTITION_DIMENSION } from "../../contracts/storageLayout.ts";
import type { CounterSlot, RunSegment } from "../../domain/kpis/deviceFacts.ts";
import type { CounterIncreaseRequest, RunSegmentsRequest, SeriesFacts } from "../../ports/seriesFacts.ts";
import { checkSeriesNames, queryInteger } from "../queryPieces.ts";
import { InfluxQueryError } from "./errors.ts";
import type { InfluxConnection } from "./influxConnection.ts";
import { identifier, literal } from "./influxQl.ts";
import { runInfluxQl, type StatementResult } from "./influxSeriesQuery.ts";

export interface InfluxSeriesFactsOptions {
  readonly connection: InfluxConnection;
  /** How long one request (all of its statements) may take. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * C9 aggregates in InfluxDB, in InfluxQL (1.x, and 2.x's v1-compatible surface), so a month of
 * samples stays in the store and only boundaries and 15-minute sums come back.
 *
 * The running signal: InfluxQL compares no two samples of a boolean field, so each sample is first
 * made a number in the store: running samples (`= true`, or above the threshold) count 1 and the
 * others count 1 − 1 = 0, per millisecond (`GROUP BY time(1ms) fill(none)`: one row per sample);
 * over their union, `difference` and `elapsed` find the samples where the state changes or a data
 * gap ends, and only those come back, with the first and the last sample. The segments follow from
 * them exactly as the SQLite store's window functions draw them.
 *
 * A counter: rises and resets summed per slot in the store; the one rise it cannot see (the first
 * sample in the range, whose predecessor lies before it) is added from the samples either side.
 */
export class InfluxSeriesFacts implements SeriesFacts {
  readonly #connection: InfluxConnection;
  readonly #timeoutMs: number;

  constructor(options: InfluxSeriesFactsOptions) {
    this.#connection = options.connection;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  async runSegments(request: RunSegmentsRequest): Promise<RunSegment[]> {
    const [boundaries, first, last] = await runInfluxQl(
      this.#connection,
      runSegmentsInfluxQl(request),
      3,
      this.#timeoutMs,
    );
    const firstRow = rowsOf(first)[0];
    const lastRow = rowsOf(last)[0];
    if (firstRow === undefined || lastRow === undefined) return [];
    return segmentsFrom(
      { time: firstRow.time, running: Number(firstRow.values[0]) > 0 },
      rowsOf(boundaries).map((row) => ({
        time: row.time,
        change: Number(row.values[0]),
        elapsed: Number(row.values[1]),
      })),
      lastRow.time,
      request,
    );
  }

  async counterIncreases(request: CounterIncreaseRequest): Promise<CounterSlot[]> {
    const [slots, rises, resets, before, first] = await runInfluxQl(
      this.#connection,
      counterIncreasesInfluxQl(request),
      5,
      this.#timeoutMs,
    );
    const increases = new Map<number, number>();
    for (const row of rowsOf(slots)) increases.set(row.time, 0);
    const add = (time: number, amount: number) => {
      const slot = time - (time % request.slotMs);
      increases.set(slot, (increases.get(slot) ?? 0) + amount);
    };
    for (const row of [...rowsOf(rises), ...rowsOf(resets)]) add(row.time, Number(row.values[0]));
    const [base, next] = [rowsOf(before)[0], rowsOf(first)[0]];
    if (base !== undefined && next !== undefined && next.time - base.time <= request.gapAfterMs) {
      const [from, to] = [Number(base.values[0]), Number(next.values[0])];
      add(next.time, to >= from ? to - from : to);
    }
    return [...increases].sort(([a], [b]) => a - b).map(([start, increase]) => ({ start, increase }));
  }
}

interface Boundary {
  readonly time: number;
  /** +1 became running, −1 stopped, 0 the same state after a data gap. */
  readonly change: number;
  /** Since the sample before. */
  readonly elapsed: number;
}

/**
 * The segments of equal state between boundaries, as the SQLite store's window functions draw them.
 * An island is the samples from one boundary to the next. Each sample holds until its successor (the
 * last of all until the horizon); one whose successor comes more than the gap later is unknown and
 * holds for nothing. A segment spans its island's known samples: from the first to the latest time
 * one of them holds until; an island whose only sample is unknown has none.
 */
function segmentsFrom(
  first: { readonly time: number; readonly running: boolean },
  boundaries: readonly Boundary[],
  lastTime: number,
  request: Pick<RunSegmentsRequest, "gapAfterMs" | "horizon">,
): RunSegment[] {
  const segments: RunSegment[] = [];
  let start = first.time;
  let running = first.running;
  /** Ends the island whose last sample is at `last`, held until `next`. */
  const close = (last: number, next: number) => {
    const several = last > start;
    if (next - last <= request.gapAfterMs) {
      segments.push({ start, end: several ? Math.max(last, next) : next, running });
    } else if (several) {
      segments.push({ start, end: last, running });
    }
  };
  for (const boundary of boundaries) {
    if (boundary.time <= first.time) continue;
    close(boundary.time - boundary.elapsed, boundary.time);
    start = boundary.time;
    if (boundary.change !== 0) running = boundary.change > 0;
  }
  close(lastTime, request.horizon);
  return segments;
}

/**
 * Three statements: the boundary samples (a change of state, or the end of a gap), the first and
 * the last sample of the window `[from − gap, to + gap)`.
 */
export function runSegmentsInfluxQl(request: RunSegmentsRequest): string {
  const { field, thing, from, to, gap, threshold } = checked(request);
  const window = `${thingIs(thing)} AND time >= ${from - gap}ms AND time < ${to + gap}ms`;
  const source = identifier(INFLUX_MEASUREMENT);
  const perSample = (state: string, value: string) =>
    `SELECT ${value} AS "s" FROM ${source} WHERE ${window} AND (${state}) GROUP BY time(1ms) fill(none)`;
  const states =
    `SELECT * FROM (${perSample(`${field} = true OR ${field} > ${threshold}`, `count(${field})`)}), ` +
    `(${perSample(`${field} = false OR ${field} <= ${threshold}`, `count(${field}) - 1`)})`;
  return [
    `SELECT * FROM (SELECT difference("s") AS "change", elapsed("s", 1ms) AS "elapsed" FROM (${states})) ` +
      `WHERE "change" <> 0 OR "elapsed" > ${gap}`,
    `SELECT first("s") FROM (${states})`,
    `SELECT last("s") FROM (${states})`,
  ].join("; ");
}

/**
 * Five statements: the slots with samples in `[from, to)`, the rises and the resets within the gap
 * per slot, the last sample before `from` (within the gap) and the first from `from`.
 */
export function counterIncreasesInfluxQl(request: CounterIncreaseRequest): string {
  const { field, thing, from, to, gap } = checked(request);
  const slot = queryInteger(request.slotMs, "slotMs");
  const source = identifier(INFLUX_MEASUREMENT);
  const range = `${thingIs(thing)} AND time >= ${from}ms AND time < ${to}ms`;
  const steps =
    `SELECT last(${field}) AS "value", difference(last(${field})) AS "step", elapsed(last(${field}), 1ms) AS "elapsed" ` +
    `FROM ${source} WHERE ${range} GROUP BY time(1ms) fill(none)`;
  const perSlot = (sum: string, when: string) =>
    `SELECT sum("${sum}") FROM (${steps}) WHERE ${when} AND "elapsed" <= ${gap} AND time >= ${from}ms AND time < ${to}ms ` +
    `GROUP BY time(${slot}ms) fill(none)`;
  return [
    `SELECT count(${field}) FROM ${source} WHERE ${range} GROUP BY time(${slot}ms) fill(none)`,
    perSlot("step", `"step" >= 0`),
    perSlot("value", `"step" < 0`),
    `SELECT last(${field}) FROM ${source} WHERE ${thingIs(thing)} AND time >= ${from - gap}ms AND time < ${from}ms`,
    `SELECT first(${field}) FROM ${source} WHERE ${range}`,
  ].join("; ");
}

const thingIs = (thing: string) => `${identifier(PARTITION_DIMENSION)} = ${literal(thing)}`;

/** The request's names checked against their patterns again, its numbers as plain integers. */
function checked(request: RunSegmentsRequest | CounterIncreaseRequest) {
  checkSeriesNames(request);
  const integer = (value: number, name: string) => Number(queryInteger(value, name));
  const threshold = "threshold" in request ? request.threshold : 0;
  // Plain decimal notation only: InfluxQL reads no exponent.
  if (!Number.isFinite(threshold) || Math.abs(threshold) >= 1e15 || /e/i.test(String(threshold))) {
    throw new RangeError("threshold must be a number InfluxQL can write without an exponent");
  }
  return {
    field: identifier(request.metric),
    thing: request.thingName,
    from: integer(request.from, "from"),
    to: integer(request.to, "to"),
    gap: integer(request.gapAfterMs, "gapAfterMs"),
    threshold: String(threshold),
  };
}

/** A statement's rows across its series (a thing that changed site or line has one per tag set), oldest first. */
function rowsOf(statement: StatementResult | undefined): { time: number; values: unknown[] }[] {
  if (statement?.partial) {
    throw new InfluxQueryError(200, "the answer was cut at InfluxDB's row limit (max-row-limit)");
  }
  const rows: { time: number; values: unknown[] }[] = [];
  for (const series of statement?.series ?? []) {
    for (const [time, ...values] of series.values ?? []) {
      if (typeof time === "number") rows.push({ time, values });
    }
  }
  return rows.sort((a, b) => a.time - b.time);
}
