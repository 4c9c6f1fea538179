import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { MetricValue, SampleRef } from "../../shared/domain/ingest/types.ts";
import type { CounterSlot, RunSegment } from "../../shared/domain/kpis/deviceFacts.ts";
import { PlantwatchError } from "../../shared/errors.ts";
import type {
  CounterIncreaseRequest,
  RunSegmentsRequest,
  SeriesFacts,
} from "../../shared/ports/seriesFacts.ts";
import type {
  SeriesQuery,
  SeriesQueryPoint,
  SeriesQueryRequest,
  SeriesQueryResult,
} from "../../shared/ports/seriesQuery.ts";
import type { SeriesPoint, SeriesStore, SeriesWriteResult } from "../../shared/ports/seriesStore.ts";

/** The part of better-sqlite3 used here: the package ships no types (and @types/better-sqlite3 is not a dependency). */
interface Statement {
  run(...parameters: unknown[]): { changes: number };
  get(...parameters: unknown[]): unknown;
  all(...parameters: unknown[]): unknown[];
}
interface Database {
  prepare(source: string): Statement;
  exec(source: string): void;
  pragma(source: string, options: { simple: true }): unknown;
  transaction<A extends unknown[], R>(body: (...args: A) => R): (...args: A) => R;
  close(): void;
}
const openDatabase = createRequire(import.meta.url)("better-sqlite3") as new (path: string) => Database;

/** What Timestream answers for a changed record that does not carry a higher version; the reason quarantine keeps. */
export const VERSION_CONFLICT_REASON =
  "A record with the same dimensions, time and measure name exists with different measure values " +
  "and a version equal to or higher than this one";

/** Bumped when the tables change; an older file is refused with a hint rather than misread. */
const SCHEMA_VERSION = 1;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS series (
    thing   TEXT    NOT NULL,
    metric  TEXT    NOT NULL,
    time    INTEGER NOT NULL,
    type    TEXT    NOT NULL CHECK (type IN ('double', 'boolean', 'varchar')),
    num     REAL,
    text    TEXT,
    site    TEXT,
    line    TEXT,
    version INTEGER NOT NULL,
    PRIMARY KEY (thing, metric, time)
  ) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS series_by_sample ON series (thing, time);
  CREATE TABLE IF NOT EXISTS series_metrics (
    thing  TEXT NOT NULL,
    metric TEXT NOT NULL,
    PRIMARY KEY (thing, metric)
  ) WITHOUT ROWID;
`;

type MeasureType = "double" | "boolean" | "varchar";

interface MeasureRow {
  readonly metric: string;
  readonly type: MeasureType;
  readonly num: number | null;
  readonly text: string | null;
  readonly version: number;
}

export interface SqliteSeriesStoreOptions {
  /** A file (its directory is created) or `:memory:`. */
  readonly path: string;
  /** How long a write waits for another connection's lock before its points are reported unwritten. @default 2000 */
  readonly busyTimeoutMs?: number;
}

/** The newest value of one metric of a thing. */
export interface LatestValue {
  readonly metric: string;
  /** Epoch ms of the sample. */
  readonly time: number;
  readonly value: MetricValue;
}

/** The series store file cannot be opened or was written by another schema. */
export class SeriesStoreOpenError extends PlantwatchError {
  readonly path: string;

  constructor(path: string, message: string, cause?: unknown) {
    super(`cannot open the series store ${path}: ${message}`, { cause });
    this.name = "SeriesStoreOpenError";
    this.path = path;
  }
}

/**
 * The series store of the embedded stack, on SQLite: both ports Timestream serves on AWS.
 *
 * One row per (thing, metric, time), but versioned per sample as Timestream versions a multi-measure
 * record: writing a sample again with the same measures succeeds whatever its version (replays are
 * idempotent), different measures replace the stored sample only with a higher version and are
 * otherwise rejected with Timestream's reason. Unlike Timestream, site and line are not part of the
 * key: a thing has one sample per time, wherever it was registered. Reads mirror the Timestream query:
 * numbers and booleans (as 1/0) form a series, strings do not. Every value reaches SQL as a parameter.
 */
export class SqliteSeriesStore implements SeriesStore, SeriesQuery, SeriesFacts {
  readonly #db: Database;
  readonly #statements: ReturnType<typeof prepare>;
  readonly #writeBatch: (points: readonly SeriesPoint[]) => { ref: SampleRef; reason: string }[];

  constructor(options: SqliteSeriesStoreOptions) {
    const { path } = options;
    try {
      if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true });
      this.#db = new openDatabase(path);
    } catch (error) {
      throw new SeriesStoreOpenError(path, (error as Error).message, error);
    }
    try {
      this.#db.pragma("journal_mode = WAL", { simple: true });
      this.#db.pragma(`busy_timeout = ${integer(options.busyTimeoutMs ?? 2_000, "busyTimeoutMs")}`, {
        simple: true,
      });
      const version = this.#db.pragma("user_version", { simple: true });
      if (version !== 0 && version !== SCHEMA_VERSION) {
        throw new SeriesStoreOpenError(
          path,
          `schema version ${String(version)} is not ${SCHEMA_VERSION}; start with --reset to begin afresh`,
        );
      }
      this.#db.exec(SCHEMA);
      this.#db.pragma(`user_version = ${SCHEMA_VERSION}`, { simple: true });
      this.#statements = prepare(this.#db);
    } catch (error) {
      this.#db.close();
      if (error instanceof SeriesStoreOpenError) throw error;
      throw new SeriesStoreOpenError(path, (error as Error).message, error);
    }
    this.#writeBatch = this.#db.transaction((points: readonly SeriesPoint[]) => {
      const rejected: { ref: SampleRef; reason: string }[] = [];
      for (const point of points) {
        const reason = this.#writePoint(point);
        if (reason !== undefined) rejected.push({ ref: point.ref, reason });
      }
      return rejected;
    });
  }

  /** Writes the batch in one transaction; the deadline cannot be reached by a local synchronous write. */
  async write(
    points: readonly SeriesPoint[],
    _options: { readonly deadline: number },
  ): Promise<SeriesWriteResult> {
    try {
      return { rejected: this.#writeBatch(points), unwritten: [], retries: 0 };
    } catch (error) {
      // Another process holds the write lock (the transaction was rolled back): the caller retries.
      if (isBusy(error)) return { rejected: [], unwritten: points.map((point) => point.ref), retries: 0 };
      throw error;
    }
  }

  async query(request: SeriesQueryRequest): Promise<SeriesQueryResult> {
    const parameters = {
      thing: request.thingName,
      metric: request.metric,
      from: integer(request.from, "from"),
      to: integer(request.to, "to"),
      // One more than fits tells that the series was cut.
      limit: integer(request.maxPoints + 1, "maxPoints"),
    };
    let rows: SeriesQueryPoint[];
    if (request.stepMs === undefined) {
      rows = this.#statements.raw.all(parameters) as SeriesQueryPoint[];
    } else {
      if (!Number.isSafeInteger(request.stepMs) || request.stepMs < 1000 || request.stepMs % 1000 !== 0) {
        throw new RangeError("stepMs must be whole seconds");
      }
      rows = this.#statements.bucketed.all({ ...parameters, step: request.stepMs }) as SeriesQueryPoint[];
    }
    const truncated = rows.length > request.maxPoints;
    return { points: rows.slice(0, request.maxPoints).reverse(), truncated };
  }

  async runSegments(request: RunSegmentsRequest): Promise<RunSegment[]> {
    const rows = this.#statements.runSegments.all({
      thing: request.thingName,
      metric: request.metric,
      threshold: request.threshold,
      from: integer(request.from, "from"),
      to: integer(request.to, "to"),
      gap: integer(request.gapAfterMs, "gapAfterMs"),
      horizon: integer(request.horizon, "horizon"),
    }) as { start: number; end: number; running: number }[];
    return rows.map((row) => ({ start: row.start, end: row.end, running: row.running === 1 }));
  }

  async counterIncreases(request: CounterIncreaseRequest): Promise<CounterSlot[]> {
    return this.#statements.counterIncreases.all({
      thing: request.thingName,
      metric: request.metric,
      from: integer(request.from, "from"),
      to: integer(request.to, "to"),
      gap: integer(request.gapAfterMs, "gapAfterMs"),
      slot: integer(request.slotMs, "slotMs"),
    }) as CounterSlot[];
  }

  /** The newest value of each metric the thing has sent, by metric name. */
  latest(thingName: string): LatestValue[] {
    const latest: LatestValue[] = [];
    for (const { metric } of this.#statements.metricsOf.all(thingName) as { metric: string }[]) {
      const row = this.#statements.newest.get(thingName, metric) as
        | (MeasureRow & { readonly time: number })
        | undefined;
      // A metric a newer version of its sample dropped may have no rows left.
      if (row) latest.push({ metric, time: row.time, value: toMetricValue(row) });
    }
    return latest;
  }

  /** Every thing with a sample, and the time of its newest (the local stack lists unprovisioned things by it). */
  things(): { readonly thingName: string; readonly lastSample: number }[] {
    return this.#db
      .prepare("SELECT thing AS thingName, MAX(time) AS lastSample FROM series GROUP BY thing ORDER BY thing")
      .all() as { thingName: string; lastSample: number }[];
  }

  close(): void {
    this.#db.close();
  }

  /** Stores one sample by Timestream's upsert rule; returns the reason when it is refused. */
  #writePoint(point: SeriesPoint): string | undefined {
    const { sample, deleteSample, touchSample } = this.#statements;
    const existing = sample.all(point.thingName, point.time) as MeasureRow[];
    if (existing.length > 0) {
      const existingVersion = Math.max(...existing.map((row) => row.version));
      if (sameMeasures(existing, point.metrics)) {
        if (point.version > existingVersion) {
          touchSample.run(point.version, point.site ?? null, point.line ?? null, point.thingName, point.time);
        }
        return undefined;
      }
      if (point.version <= existingVersion) {
        return `${VERSION_CONFLICT_REASON} (existing version ${existingVersion})`;
      }
      deleteSample.run(point.thingName, point.time);
    }
    for (const metric in point.metrics) {
      const { type, num, text } = toColumns(point.metrics[metric] as MetricValue);
      this.#statements.insert.run({
        thing: point.thingName,
        metric,
        time: point.time,
        type,
        num,
        text,
        site: point.site ?? null,
        line: point.line ?? null,
        version: point.version,
      });
      this.#statements.catalogue.run(point.thingName, metric);
    }
    return undefined;
  }
}

function prepare(db: Database) {
  const range = "thing = @thing AND metric = @metric AND time >= @from AND time < @to AND num IS NOT NULL";
  // Without statistics SQLite prefers the primary key's `thing` prefix to the (thing, time) index,
  // which makes every write scan the thing's whole history.
  const bySample = "series INDEXED BY series_by_sample WHERE thing = ? AND time = ?";
  return {
    sample: db.prepare(`SELECT metric, type, num, text, version FROM ${bySample}`),
    deleteSample: db.prepare(`DELETE FROM ${bySample}`),
    touchSample: db.prepare(
      `UPDATE series INDEXED BY series_by_sample SET version = ?, site = ?, line = ? WHERE thing = ? AND time = ?`,
    ),
    insert: db.prepare(
      "INSERT INTO series (thing, metric, time, type, num, text, site, line, version) " +
        "VALUES (@thing, @metric, @time, @type, @num, @text, @site, @line, @version)",
    ),
    catalogue: db.prepare("INSERT OR IGNORE INTO series_metrics (thing, metric) VALUES (?, ?)"),
    raw: db.prepare(`SELECT time, num AS value FROM series WHERE ${range} ORDER BY time DESC LIMIT @limit`),
    // Times are never negative here, so `time - time % step` is Timestream's bin(time, step).
    bucketed: db.prepare(
      "SELECT time - time % @step AS time, avg(num) AS value, min(num) AS min, max(num) AS max, " +
        `count(num) AS count FROM series WHERE ${range} GROUP BY 1 ORDER BY 1 DESC LIMIT @limit`,
    ),
    runSegments: db.prepare(RUN_SEGMENTS),
    counterIncreases: db.prepare(COUNTER_INCREASES),
    metricsOf: db.prepare("SELECT metric FROM series_metrics WHERE thing = ? ORDER BY metric"),
    newest: db.prepare(
      "SELECT time, type, num, text FROM series WHERE thing = ? AND metric = ? ORDER BY time DESC LIMIT 1",
    ),
  };
}

/**
 * C9: the running signal's known segments. Each sample holds until the next (or `horizon`) when
 * that is at most `gap` later; islands of known samples with the same state are merged (a new
 * island starts at a change of state or after a gap, which is left out).
 */
const RUN_SEGMENTS = `
  WITH samples AS (
    SELECT time, num > @threshold AS running,
           COALESCE(LEAD(time) OVER (ORDER BY time), @horizon) AS next
    FROM series
    WHERE thing = @thing AND metric = @metric AND num IS NOT NULL
      AND time >= @from - @gap AND time < @to + @gap
  ), marked AS (
    SELECT time, running, next, next - time <= @gap AS known,
           LAG(next - time <= @gap) OVER w AS previousKnown, LAG(running) OVER w AS previousRunning
    FROM samples WINDOW w AS (ORDER BY time)
  ), islands AS (
    SELECT time, running, next, known,
           SUM(CASE WHEN known AND previousKnown AND previousRunning = running THEN 0 ELSE 1 END)
             OVER (ORDER BY time) AS island
    FROM marked
  )
  SELECT MIN(time) AS start, MAX(next) AS "end", running FROM islands
  WHERE known GROUP BY island ORDER BY start`;

/**
 * C9: a counter's increases per slot. A rise counts its difference, a fall is a reset and counts
 * the new value; a change over more than \`gap\` (or from no earlier sample) counts nothing.
 */
const COUNTER_INCREASES = `
  WITH samples AS (
    SELECT time, num, LAG(time) OVER w AS previousTime, LAG(num) OVER w AS previous
    FROM series
    WHERE thing = @thing AND metric = @metric AND num IS NOT NULL AND time >= @from - @gap AND time < @to
    WINDOW w AS (ORDER BY time)
  )
  SELECT time - time % @slot AS start,
         SUM(CASE WHEN previous IS NULL OR time - previousTime > @gap THEN 0
                  WHEN num >= previous THEN num - previous ELSE num END) AS increase
  FROM samples WHERE time >= @from GROUP BY 1 ORDER BY 1`;

function toColumns(value: MetricValue): { type: MeasureType; num: number | null; text: string | null } {
  if (typeof value === "number") return { type: "double", num: value, text: null };
  if (typeof value === "boolean") return { type: "boolean", num: value ? 1 : 0, text: null };
  return { type: "varchar", num: null, text: value };
}

function toMetricValue(row: Pick<MeasureRow, "type" | "num" | "text">): MetricValue {
  if (row.type === "double") return row.num as number;
  if (row.type === "boolean") return row.num === 1;
  return row.text as string;
}

/** Timestream's test for "the same record": every measure with the same name, type and value. */
function sameMeasures(rows: readonly MeasureRow[], metrics: Readonly<Record<string, MetricValue>>): boolean {
  if (rows.length !== Object.keys(metrics).length) return false;
  return rows.every((row) => {
    const value = metrics[row.metric];
    if (value === undefined) return false;
    const columns = toColumns(value);
    return columns.type === row.type && columns.num === row.num && columns.text === row.text;
  });
}

function integer(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer`);
  return value;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}
