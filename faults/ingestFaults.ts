import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createIngest, INGEST_DEADLINE_MARGIN_MS } from "../functions/ingest/createIngest.ts";
import { toReceivedMessage } from "../functions/ingest/toReceivedMessage.ts";
import { FileQuarantineStore } from "../local/adapters/fileQuarantineStore.ts";
import { TimestreamSeriesStore } from "../shared/adapters/aws/timestreamSeriesStore.ts";
import { InfluxSeriesStore } from "../shared/adapters/influx/influxSeriesStore.ts";
import type { TelemetryRuleEvent } from "../shared/contracts/telemetryRule.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../shared/domain/ingest/types.ts";
import type { SeriesStore } from "../shared/ports/seriesStore.ts";
import { seededRandom } from "../simulator/domain/random.ts";
import { localTimestreamClient } from "../test/support/awsClients.ts";
import { type FakeTimestream, startFakeTimestream } from "../test/support/fakeTimestream.ts";
import { type LocalInflux, startInflux } from "../test/support/influxServer.ts";
import { InMemoryDeviceRegistry } from "../test/support/inMemoryPorts.ts";
import { type AsyncLambda, startAsyncLambda } from "./asyncLambda.ts";
import type { FaultOutcome } from "./faultTable.ts";

/** How big a run is: `quick` is part of `npm test`, `full` is `npm run faults`. */
export type FaultScale = "quick" | "full";

const THINGS = 5;
const START = Date.now() - 60 * 60_000;

/**
 * A known set of telemetry rule events: mostly good C2 samples, each carrying its index as metric
 * `n` (so where it ended can be found in the store, the quarantine and the DLQ), and a few a device
 * or a stranger gets wrong, which must be quarantined whole with their reason.
 */
export function telemetryEvents(count: number, seed: number): TelemetryRuleEvent[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, n) => {
    const thingName = `press-${(n % THINGS) + 1}`;
    const receivedAt = START + n * 1_000;
    const good = {
      ts: receivedAt,
      seq: n,
      metrics: { n, temperature: 60 + random.next() * 40, running: true },
    };
    const kind = n % 25;
    const text =
      kind === 7
        ? `{"n":${n},"metrics":{"temperature":` // truncated
        : kind === 13
          ? JSON.stringify({ n, ts: receivedAt, metrics: [n] }) // not C2
          : kind === 19
            ? JSON.stringify({ ...good, ts: receivedAt + 3_600_000 }) // an hour ahead of receipt
            : JSON.stringify(good);
    return {
      payload: Buffer.from(text).toString("base64"),
      thingName,
      receivedAt,
      // Another MQTT client publishing on this thing's topic.
      clientId: kind === 22 ? "test-bench-7" : thingName,
    };
  });
}

/** The index `n` a message carries, whatever became of it. */
function indexOf(text: string): number | undefined {
  const match = /"n":(\d+)/.exec(text);
  return match ? Number(match[1]) : undefined;
}

interface IngestRig {
  readonly store: SeriesStore;
  /** The indexes the store holds. */
  stored(): Promise<Set<number>>;
  stop(): Promise<void>;
}

/** Where the messages ended, from the store, the quarantine files and the dead-letter queue. */
async function account(
  fault: string,
  injected: string,
  events: readonly TelemetryRuleEvent[],
  rig: IngestRig,
  quarantineDirectory: string,
  lambda: AsyncLambda,
): Promise<FaultOutcome> {
  const stored = await rig.stored();
  const quarantinedBy = new Map<number, string>();
  for (const file of await new FileQuarantineStore({ directory: quarantineDirectory }).list()) {
    for (const line of (await readFile(file.path, "utf8")).split("\n").filter(Boolean)) {
      const entry = JSON.parse(line) as { reason: string; message: string; messageEncoding: string };
      const text =
        entry.messageEncoding === "base64" ? Buffer.from(entry.message, "base64").toString() : entry.message;
      const n = indexOf(text);
      if (n !== undefined) quarantinedBy.set(n, entry.reason);
    }
  }
  const inQueue = new Set(
    lambda
      .deadLetters()
      .map((event) => indexOf(Buffer.from((event as TelemetryRuleEvent).payload, "base64").toString()))
      .filter((n): n is number => n !== undefined),
  );
  const quarantined: Record<string, number> = {};
  let unaccounted = 0;
  for (let n = 0; n < events.length; n++) {
    const reason = quarantinedBy.get(n);
    if (stored.has(n)) continue;
    if (reason !== undefined) quarantined[reason] = (quarantined[reason] ?? 0) + 1;
    else if (!inQueue.has(n)) unaccounted++;
  }
  return {
    fault,
    injected,
    sent: events.length,
    stored: [...stored].filter((n) => n < events.length).length,
    quarantined,
    deadLettered: inQueue.size,
    unaccounted,
  };
}

/**
 * One ingest fault: the ingest function's own composition (`createIngest` over the store adapter,
 * the file quarantine, the handler's `toReceivedMessage`) runs every event through Lambda's
 * asynchronous invocation; the dead-letter queue is replayed until it is empty, and every message
 * is accounted for.
 */
async function ingestFault(
  fault: string,
  events: readonly TelemetryRuleEvent[],
  rig: IngestRig,
  options: {
    readonly budgetMs: number;
    readonly between?: (index: number) => void;
    /** Before the replay: the fault ends. */
    readonly afterDelivery?: () => void;
    /** What was injected, told once the run is over; `parked` were dead-lettered before the replay. */
    readonly injected: (lambda: AsyncLambda, parked: number) => string;
  },
): Promise<FaultOutcome> {
  const directory = await mkdtemp(join(tmpdir(), "plantwatch-faults-quarantine-"));
  const ingest = createIngest({
    registry: new InMemoryDeviceRegistry(
      Array.from({ length: THINGS }, (_, index) => ({ thingName: `press-${index + 1}` })),
    ),
    store: rig.store,
    quarantine: new FileQuarantineStore({ directory }),
    clock: { now: () => Date.now() },
    limits: { ...DEFAULT_TELEMETRY_LIMITS, maxSampleAgeMs: 7 * 86_400_000 },
  });
  const lambda = await startAsyncLambda({
    ingest: (event) =>
      ingest.message(toReceivedMessage(event as TelemetryRuleEvent), {
        remainingMs: INGEST_DEADLINE_MARGIN_MS + options.budgetMs,
      }),
  });
  try {
    for (const [index, event] of events.entries()) {
      options.between?.(index);
      await lambda.invoke("ingest", event);
    }
    options.afterDelivery?.();
    const parked = lambda.outcomes.deadLettered;
    await lambda.replayUntilEmpty();
    return await account(fault, options.injected(lambda, parked), events, rig, directory, lambda);
  } finally {
    await lambda.stop();
    await rig.stop();
    await rm(directory, { recursive: true, force: true });
  }
}

/** InfluxDB 1.x (the v1 write surface the adapter speaks) behind a fetch that can answer for it. */
async function influxRig(
  influx: LocalInflux,
  interfere: (request: number) => Response | "refused" | undefined,
): Promise<IngestRig & { readonly requests: () => number; readonly interfered: () => number }> {
  await influx.execute(`DROP SERIES FROM "telemetry"`).catch(() => undefined);
  let requests = 0;
  let interfered = 0;
  const faultyFetch: typeof fetch = async (input, init) => {
    const answer = interfere(requests++);
    if (answer === "refused") {
      interfered++;
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      });
    }
    if (answer !== undefined) {
      interfered++;
      return answer;
    }
    return fetch(input, init);
  };
  return {
    store: new InfluxSeriesStore({
      connection: {
        url: influx.url,
        database: influx.database,
        token: async () => "unused",
        fetch: faultyFetch,
      },
      minRequestMs: 50,
    }),
    async stored() {
      const answer = await influx.query(`SELECT "n" FROM "telemetry"`);
      const values = answer.results[0]?.series?.[0]?.values ?? [];
      return new Set(values.map((row) => Number(row[1])));
    },
    requests: () => requests,
    interfered: () => interfered,
    stop: async () => {},
  };
}

async function timestreamRig(timestream: FakeTimestream): Promise<IngestRig> {
  return {
    store: new TimestreamSeriesStore({
      databaseName: "plantwatch",
      tableName: "telemetry",
      client: localTimestreamClient(timestream.endpoint),
    }),
    async stored() {
      const indexes = new Set<number>();
      for (const row of timestream.rows()) {
        const n = row.measures.find((measure) => measure.Name === "n");
        if (n?.Value !== undefined) indexes.add(Number(n.Value));
      }
      return indexes;
    },
    stop: () => timestream.stop(),
  };
}

const sizes = { quick: 75, full: 500 } as const;

/** Throttling (429) and 5xx bursts from the series store: retried within the invocation, then by Lambda. */
export async function storeThrottledAndFailing(
  scale: FaultScale,
  influx: LocalInflux,
): Promise<FaultOutcome> {
  const events = telemetryEvents(sizes[scale], 1);
  const random = seededRandom(2);
  let burst = 0;
  const rig = await influxRig(influx, () => {
    if (burst === 0 && random.next() < 0.15) burst = 1 + Math.floor(random.next() * 4);
    if (burst === 0) return undefined;
    burst--;
    return random.next() < 0.5
      ? new Response('{"code":"too many requests"}', { status: 429, headers: { "Retry-After": "0" } })
      : new Response('{"error":"engine: cache maximum memory size exceeded"}', { status: 503 });
  });
  return ingestFault("series store throttling (429) and 5xx bursts (InfluxDB)", events, rig, {
    budgetMs: 2_000,
    injected: (lambda) =>
      `${rig.interfered()} of ${rig.requests()} writes refused, in bursts of 1-4; ${lambda.outcomes.failedAttempts} invocations retried by Lambda`,
  });
}

/**
 * The store down for longer than an invocation: every attempt fails, Lambda retries and gives up,
 * the events wait in the dead-letter queue; once the store is back, `dlq replay` stores them.
 */
export async function storeDownLongerThanInvocation(
  scale: FaultScale,
  influx: LocalInflux,
): Promise<FaultOutcome> {
  const events = telemetryEvents(scale === "quick" ? 30 : 150, 3);
  let down = false;
  const rig = await influxRig(influx, () => (down ? "refused" : undefined));
  // The outage starts a third of the way in and lasts a third of the messages.
  const third = Math.floor(events.length / 3);
  return ingestFault(
    "series store down longer than the invocation (→ Lambda retries → DLQ → dlq replay)",
    events,
    rig,
    {
      budgetMs: 300,
      between: (index) => {
        down = index >= third && index < 2 * third;
      },
      afterDelivery: () => {
        down = false;
      },
      injected: (lambda, parked) =>
        `store refused every connection for ${third} messages; ${parked} dead-lettered after 3 attempts; ${lambda.outcomes.replayed} re-driven by ${lambda.outcomes.replays} dlq replay run(s)`,
    },
  );
}

/** Timestream's RejectedRecordsException for some records: quarantined as store_rejected, the rest stored. */
export async function storeRejectsRecords(scale: FaultScale): Promise<FaultOutcome> {
  const events = telemetryEvents(sizes[scale], 4);
  const timestream = await startFakeTimestream();
  const rejectEvery = 9;
  const rejectedIndex = (request: { Records?: { MeasureValues?: { Name?: string; Value?: string }[] }[] }) =>
    (request.Records ?? []).some((record) =>
      (record.MeasureValues ?? []).some(
        (measure) => measure.Name === "n" && Number(measure.Value) % rejectEvery === 0,
      ),
    );
  timestream.rejectRecords([0], {
    reason: "The record timestamp is outside the time range of the data ingestion window.",
    times: Number.POSITIVE_INFINITY,
    where: rejectedIndex,
  });
  return ingestFault(
    "series store rejecting records (Timestream RejectedRecords)",
    events,
    await timestreamRig(timestream),
    { budgetMs: 2_000, injected: () => `every record with n % ${rejectEvery} = 0 rejected by the store` },
  );
}

/** InfluxDB itself refusing points: a field written as a string after it was a number (a real partial write). */
export async function storeRejectsConflictingField(
  scale: FaultScale,
  influx: LocalInflux,
): Promise<FaultOutcome> {
  const base = telemetryEvents(sizes[scale], 5);
  const events = base.map((event, n) => {
    // Only messages that are good C2 samples: the others are quarantined before the store.
    if (n % 11 !== 10 || n % 25 === 7 || n % 25 === 13) return event;
    const sample = JSON.parse(Buffer.from(event.payload, "base64").toString()) as { metrics?: unknown };
    if (typeof sample.metrics !== "object" || sample.metrics === null || Array.isArray(sample.metrics))
      return event;
    const conflicting = { ...sample, metrics: { ...sample.metrics, temperature: "HIGH" } };
    return { ...event, payload: Buffer.from(JSON.stringify(conflicting)).toString("base64") };
  });
  return ingestFault(
    "series store rejecting points (InfluxDB field type conflict)",
    events,
    await influxRig(influx, () => undefined),
    {
      budgetMs: 2_000,
      injected: () =>
        "every 11th message writes temperature as a string: InfluxDB 1.6.7 answers a partial write",
    },
  );
}

export { startInflux };
