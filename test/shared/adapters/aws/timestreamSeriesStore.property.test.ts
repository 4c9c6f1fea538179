import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TimestreamSeriesStore } from "../../../../shared/adapters/aws/timestreamSeriesStore.ts";
import type { MetricValue, SampleRef } from "../../../../shared/domain/ingest/types.ts";
import type { SeriesPoint } from "../../../../shared/ports/seriesStore.ts";
import { localTimestreamClient } from "../../../support/awsClients.ts";
import { startFakeTimestream } from "../../../support/fakeTimestream.ts";
import { manualClock } from "../../../support/testClock.ts";

const T0 = Date.parse("2026-11-25T12:00:00.000Z");
const POISON = "poison";
const POISONED: Readonly<Record<string, MetricValue>> = { [POISON]: 1 };
const THINGS = ["oven-3", "press-7", "mixer-9"];

/** Per thing: how many points, and which of them carry the measure the fake refuses. */
const batch = fc.array(
  fc.record({
    count: fc.integer({ min: 0, max: 230 }),
    poisoned: fc.uniqueArray(fc.nat(229), { maxLength: 3 }),
  }),
  { minLength: THINGS.length, maxLength: THINGS.length },
);
const faults = fc.record({
  throttled: fc.nat(4),
  failed: fc.nat(2),
  rejected: fc.uniqueArray(fc.nat(99), { maxLength: 3 }),
  /** Time left before the deadline, on a clock that only moves while the store backs off. */
  budgetMs: fc.constantFrom(0, 3, 20, 60_000),
});

const key = (ref: SampleRef) => `${ref.messageIndex}/${ref.sampleIndex}`;

describe("TimestreamSeriesStore", () => {
  it("accounts for every point exactly once as stored, rejected or unwritten, in requests of ≤ 100 records whose records each have exactly one device", async () => {
    await fc.assert(
      fc.asyncProperty(batch, faults, async (perThing, script) => {
        const points: SeriesPoint[] = perThing.flatMap(({ count, poisoned }, messageIndex) =>
          Array.from(
            { length: count },
            (_, sampleIndex): SeriesPoint => ({
              thingName: THINGS[messageIndex] as string,
              time: T0 + sampleIndex * 1_000,
              version: T0,
              metrics: poisoned.includes(sampleIndex)
                ? POISONED
                : { temperature: sampleIndex, running: true },
              ref: { messageIndex, sampleIndex },
            }),
          ),
        );
        const fake = await startFakeTimestream({ poisonMeasureName: POISON });
        const client = localTimestreamClient(fake.endpoint);
        try {
          fake.fail("throttling", { times: script.throttled });
          fake.fail("internal", { times: script.failed });
          fake.rejectRecords(script.rejected);
          const store = new TimestreamSeriesStore({
            databaseName: "plantwatch",
            tableName: "telemetry",
            client,
            backoff: { baseDelayMs: 1, maxDelayMs: 5, ...manualClock(T0) },
          });

          const result = await store.write(points, { deadline: T0 + script.budgetMs });

          const refByRow = new Map(
            points.map((point) => [`${point.thingName}@${point.time}`, key(point.ref)]),
          );
          const stored = fake.rows().map((row) => refByRow.get(`${row.dimensions.device}@${row.time}`));
          const accounted = [
            ...stored,
            ...result.rejected.map(({ ref }) => key(ref)),
            ...result.unwritten.map(key),
          ];
          expect(accounted.sort()).toEqual(points.map(({ ref }) => key(ref)).sort());
          const poisoned = points.filter((point) => POISON in point.metrics).map(({ ref }) => key(ref));
          expect(stored.filter((ref) => ref !== undefined && poisoned.includes(ref))).toEqual([]);
          for (const request of fake.writeRequests()) {
            expect(request.Records?.length).toBeLessThanOrEqual(100);
            for (const record of request.Records ?? []) {
              const dimensions = [
                ...(request.CommonAttributes?.Dimensions ?? []),
                ...(record.Dimensions ?? []),
              ];
              expect(dimensions.filter((dimension) => dimension.Name === "device")).toHaveLength(1);
            }
          }
        } finally {
          client.destroy();
          await fake.stop();
        }
      }),
      { numRuns: 25 },
    );
  });
});
