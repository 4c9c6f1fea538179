import {
  type _Record,
  RejectedRecordsException,
  ThrottlingException,
  type TimestreamWriteClient,
  ValidationException,
  WriteRecordsCommand,
  type WriteRecordsCommandInput,
} from "@aws-sdk/client-timestream-write";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localTimestreamClient } from "./awsClients.ts";
import { type FakeTimestream, startFakeTimestream } from "./fakeTimestream.ts";

const record = (overrides: Partial<_Record> = {}): _Record => ({
  Time: "1764072000000",
  Version: 1,
  MeasureValues: [{ Name: "temperature", Value: "71.25", Type: "DOUBLE" }],
  ...overrides,
});

const request = (overrides: Partial<WriteRecordsCommandInput> = {}): WriteRecordsCommandInput => ({
  DatabaseName: "plantwatch",
  TableName: "telemetry",
  CommonAttributes: {
    Dimensions: [{ Name: "device", Value: "oven-3" }],
    MeasureName: "metrics",
    MeasureValueType: "MULTI",
    TimeUnit: "MILLISECONDS",
  },
  Records: [record()],
  ...overrides,
});

// The adapter tests trust this fake to refuse what Timestream refuses: these show that it does.
describe("startFakeTimestream", () => {
  let fake: FakeTimestream;
  let client: TimestreamWriteClient;

  beforeEach(async () => {
    fake = await startFakeTimestream({ poisonMeasureName: "poison" });
    client = localTimestreamClient(fake.endpoint);
  });
  afterEach(async () => {
    client.destroy();
    await fake.stop();
  });

  it("accepts a valid request and stores its records", async () => {
    const output = await client.send(new WriteRecordsCommand(request()));

    expect(output.RecordsIngested?.Total).toBe(1);
    expect(fake.rows()).toEqual([
      {
        database: "plantwatch",
        table: "telemetry",
        dimensions: { device: "oven-3" },
        measureName: "metrics",
        time: "1764072000000",
        version: 1,
        measures: [{ Name: "temperature", Value: "71.25", Type: "DOUBLE" }],
      },
    ]);
  });

  it.each<[string, WriteRecordsCommandInput]>([
    [
      "more than 100 records",
      request({ Records: Array.from({ length: 101 }, (_, i) => record({ Time: String(1e12 + i) })) }),
    ],
    [
      "no CommonAttributes",
      request({ CommonAttributes: undefined, Records: [record(request().CommonAttributes)] }),
    ],
    ["a single-measure record", request({ Records: [record({ MeasureValueType: "DOUBLE" })] })],
    [
      "a DOUBLE that is not a finite number",
      request({ Records: [record({ MeasureValues: [{ Name: "t", Value: "NaN", Type: "DOUBLE" }] })] }),
    ],
    [
      "an empty DOUBLE",
      request({ Records: [record({ MeasureValues: [{ Name: "t", Value: "", Type: "DOUBLE" }] })] }),
    ],
    [
      "a BOOLEAN other than true or false",
      request({ Records: [record({ MeasureValues: [{ Name: "on", Value: "1", Type: "BOOLEAN" }] })] }),
    ],
    [
      "a measure name used twice in a record",
      request({
        Records: [
          record({
            MeasureValues: [
              { Name: "t", Value: "1", Type: "DOUBLE" },
              { Name: "t", Value: "2", Type: "DOUBLE" },
            ],
          }),
        ],
      }),
    ],
    [
      "a measure named like a dimension",
      request({ Records: [record({ MeasureValues: [{ Name: "device", Value: "1", Type: "DOUBLE" }] })] }),
    ],
    [
      "a time that is not epoch milliseconds",
      request({ Records: [record({ Time: "2026-11-25T12:00:00Z" })] }),
    ],
    [
      "the poison measure name",
      request({ Records: [record({ MeasureValues: [{ Name: "poison", Value: "1", Type: "DOUBLE" }] })] }),
    ],
  ])("refuses %s with a ValidationException and stores nothing", async (_, input) => {
    await expect(client.send(new WriteRecordsCommand(input))).rejects.toBeInstanceOf(ValidationException);
    expect(fake.rows()).toEqual([]);
  });

  it("answers scripted throttling as the SDK's modeled ThrottlingException", async () => {
    fake.fail("throttling");

    await expect(client.send(new WriteRecordsCommand(request()))).rejects.toBeInstanceOf(ThrottlingException);
    await expect(client.send(new WriteRecordsCommand(request()))).resolves.toBeDefined();
  });

  it("rejects a changed value with an equal version, naming the existing version, and accepts identical replays", async () => {
    await client.send(new WriteRecordsCommand(request()));
    await client.send(new WriteRecordsCommand(request({ Records: [record({ Version: 0 })] })));

    const changed = client.send(
      new WriteRecordsCommand(
        request({
          Records: [record({ MeasureValues: [{ Name: "temperature", Value: "80", Type: "DOUBLE" }] })],
        }),
      ),
    );

    await expect(changed).rejects.toBeInstanceOf(RejectedRecordsException);
    await expect(changed).rejects.toMatchObject({
      RejectedRecords: [{ RecordIndex: 0, ExistingVersion: 1 }],
    });
    expect(fake.rows()[0]?.measures[0]?.Value).toBe("71.25");
  });
});
