import { describe, expect, it } from "vitest";
import { LOCAL_SHARD, LocalTelemetryStream } from "../../local/localTelemetryStream.ts";
import { EMPTY_REPORT } from "../../shared/domain/alarms/engineReport.ts";
import type { StreamRecord } from "../../shared/domain/alarms/streamConsumer.ts";

describe("LocalTelemetryStream", () => {
  it("puts control records in order on one shard, with growing sequence numbers, as the consumer decodes them", async () => {
    const batches: { shardId: string; records: readonly StreamRecord[] }[] = [];
    const stream = new LocalTelemetryStream({
      evaluate: {
        batch: async (shardId, records) => {
          batches.push({ shardId, records });
          return {
            report: EMPTY_REPORT,
            failures: [],
            redelivered: 0,
            refusedActions: [],
            coldStart: false,
            redeliverFrom: undefined,
          };
        },
      },
      timeoutMs: 30_000,
      onError: () => {},
    });

    const positions = await stream.put([
      { plantwatch: "tick", thingName: "oven-1", at: 5 },
      {
        plantwatch: "action",
        alarmId: "temp-high:oven-1",
        action: "ACKNOWLEDGE",
        actor: { id: "ops" },
        at: 6,
        expected: { state: "ACTIVE" },
      },
    ]);
    await stream.idle();

    expect(positions.map((position) => position.shardId)).toEqual([LOCAL_SHARD, LOCAL_SHARD]);
    expect(BigInt(positions[1]?.sequenceNumber ?? 0) > BigInt(positions[0]?.sequenceNumber ?? 0)).toBe(true);
    expect(batches).toEqual([
      {
        shardId: LOCAL_SHARD,
        records: [
          {
            sequenceNumber: positions[0]?.sequenceNumber,
            input: { kind: "tick", thingName: "oven-1", at: 5 },
          },
          {
            sequenceNumber: positions[1]?.sequenceNumber,
            input: {
              kind: "action",
              alarmId: "temp-high:oven-1",
              request: { action: "ACKNOWLEDGE", actor: { id: "ops" } },
              at: 6,
              expected: { state: "ACTIVE" },
            },
          },
        ],
      },
    ]);
  });

  it("delivers a batch that threw again, whole, then reports its records", async () => {
    let deliveries = 0;
    const failed: string[] = [];
    const stream = new LocalTelemetryStream({
      evaluate: {
        batch: async () => {
          deliveries++;
          throw new Error("checkpoint taken");
        },
      },
      timeoutMs: 30_000,
      onError: (record, error) => failed.push(`${record.sequenceNumber}: ${(error as Error).message}`),
    });

    const [position] = await stream.put([{ plantwatch: "tick", thingName: "oven-1", at: 5 }]);
    await stream.idle();

    expect(deliveries).toBe(3);
    expect(failed).toEqual([`${position?.sequenceNumber}: checkpoint taken`]);
  });
});
