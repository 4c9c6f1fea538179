import { describe, expect, it } from "vitest";
import { createIngest, INGEST_DEADLINE_MARGIN_MS } from "../../../functions/ingest/createIngest.ts";
import { DEFAULT_TELEMETRY_LIMITS, type ReceivedMessage } from "../../../shared/domain/ingest/types.ts";
import { IngestIncompleteError } from "../../../shared/errors.ts";
import type { SeriesStore } from "../../../shared/ports/seriesStore.ts";
import {
  InMemoryDeviceRegistry,
  InMemoryQuarantineStore,
  InMemorySeriesStore,
} from "../../support/inMemoryPorts.ts";
import { manualClock } from "../../support/testClock.ts";
import { recordingReporting } from "../reportingPorts.ts";

const NOW = Date.parse("2026-11-25T12:00:00Z");
const BUDGET = { remainingMs: 20_000 };

function message(
  thingName: string,
  offset: number,
  payload: unknown = { ts: NOW + offset, metrics: { t: offset } },
) {
  return {
    thingName,
    receivedAt: NOW + offset,
    payload: Buffer.from(typeof payload === "string" ? payload : JSON.stringify(payload)),
  } satisfies ReceivedMessage;
}

function setup() {
  const store = new InMemorySeriesStore();
  const deadlines: number[] = [];
  const recordingStore: SeriesStore = {
    write: (points, options) => {
      deadlines.push(options.deadline);
      return store.write(points);
    },
  };
  const reporting = recordingReporting(NOW);
  const quarantine = new InMemoryQuarantineStore();
  const ingest = createIngest({
    registry: new InMemoryDeviceRegistry(),
    store: recordingStore,
    quarantine,
    clock: manualClock(NOW + 60_000),
    limits: DEFAULT_TELEMETRY_LIMITS,
    ...reporting,
  });
  return { ingest, store, deadlines, reporting, quarantine };
}

describe("createIngest: one message (direct mode)", () => {
  it("stores it by the deadline its margin leaves, reports the counts and returns the report", async () => {
    const { ingest, store, deadlines, reporting } = setup();

    const report = await ingest.message(message("oven-1", 1), BUDGET);

    expect(report).toMatchObject({ messages: 1, stored: 1, unwritten: 0 });
    expect(store.points).toHaveLength(1);
    expect(deadlines).toEqual([NOW + BUDGET.remainingMs - INGEST_DEADLINE_MARGIN_MS]);
    expect(reporting.counts).toEqual([
      "MessagesReceived=1",
      "SamplesStored=1",
      "StoreRetries=0",
      "SamplesUnwritten=0",
    ]);
    expect(reporting.lines).toEqual(["info ingested"]);
  });

  it("throws IngestIncompleteError when samples were left unwritten, after reporting them", async () => {
    const { ingest, store, reporting } = setup();
    store.verdict = () => "unwritten";

    const attempt = ingest.message(message("oven-1", 1), BUDGET);

    await expect(attempt).rejects.toBeInstanceOf(IngestIncompleteError);
    await expect(attempt).rejects.toMatchObject({ unwritten: 1, retryable: true });
    expect(reporting.counts).toContain("SamplesUnwritten=1");
  });

  it("counts each quarantine reason as a metric of its own", async () => {
    const { ingest, quarantine, reporting } = setup();

    await ingest.message(message("oven-1", 1, "not json"), BUDGET);

    expect(quarantine.entries).toHaveLength(1);
    expect(reporting.counts.filter((count) => count.startsWith("Quarantined"))).toEqual([
      `Quarantined=1 {"reason":"${quarantine.entries[0]?.reason}"}`,
    ]);
  });
});

describe("createIngest: a batch (stream mode)", () => {
  it("names the messages left unwritten, in batch order, with their sample counts, and throws nothing", async () => {
    const { ingest, store, reporting } = setup();
    store.verdict = (point) => (point.thingName === "oven-2" ? "unwritten" : "store");
    const batch = [
      message("oven-2", 1),
      message("oven-1", 2),
      message("oven-2", 3, {
        samples: [
          { ts: NOW + 3, metrics: { t: 3 } },
          { ts: NOW + 4, metrics: { t: 4 } },
        ],
      }),
    ];

    const { report, unwritten } = await ingest.batch(batch, BUDGET);

    expect(unwritten).toEqual([
      { index: 0, message: batch[0], samples: 1 },
      { index: 2, message: batch[2], samples: 2 },
    ]);
    expect(report).toMatchObject({ messages: 3, stored: 1, unwritten: 3 });
    expect(store.points.map((point) => point.thingName)).toEqual(["oven-1"]);
    expect(reporting.lines).toEqual(["info ingested"]);
  });

  it("names none when every sample was written", async () => {
    const { ingest } = setup();

    const { unwritten } = await ingest.batch([message("oven-1", 1), message("oven-1", 2)], BUDGET);

    expect(unwritten).toEqual([]);
  });
});
