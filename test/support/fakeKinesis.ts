import { KinesisClient } from "@aws-sdk/client-kinesis";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsJson } from "./fakeEndpointProtocols.ts";
import { sequenceNumber } from "./kinesisEvents.ts";
import type { LocalServer } from "./localHttpServer.ts";

const ACCOUNT = "123456789012";
const MAX_RECORDS_PER_READ = 10_000;

/** A record put by a test, as the telemetry rule would put it. */
export interface FakeKinesisRecordInput {
  readonly data: string | Uint8Array;
  readonly partitionKey: string;
  /** Epoch ms; default: now. */
  readonly arrivedAt?: number;
}

export interface RecordedKinesisRequest {
  /** The operation from `x-amz-target`, e.g. `GetRecords`. */
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly contentType: string;
  readonly status: number;
  readonly errorType?: string;
}

/**
 * What GetShardIterator AT_SEQUENCE_NUMBER does with a sequence number the retention trimmed:
 * refuse it (`error`, InvalidArgumentException saying so) or start at the oldest record left.
 */
export type TrimmedStart = "error" | "trim-horizon";

export interface FakeKinesis extends LocalServer {
  readonly streamArn: string;
  readonly requests: readonly RecordedKinesisRequest[];
  /** Appends records to a shard (created on first use); returns their sequence numbers, increasing. */
  put(shardId: string, records: readonly FakeKinesisRecordInput[]): string[];
  /** Drops the oldest `count` records of a shard, as retention does. */
  trim(shardId: string, count: number, options?: { readonly start?: TrimmedStart }): void;
  /** Answers GetRecords with at most `records` records (default 10,000), to make a reader page. */
  pageSize(records: number): void;
  /** The next `count` PutRecords entries fail with ProvisionedThroughputExceededException (partial failure). */
  throttleEntries(count: number): void;
  /** What PutRecords stored, by shard: records as producers put them. */
  recordsOf(shardId: string): readonly { readonly partitionKey: string; readonly data: Buffer }[];
}

/** PutRecords puts every record on this shard: the fake has one. */
export const FAKE_SHARD = "shardId-000000000000";

interface StoredRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly arrivedAt: number;
}

interface Shard {
  readonly records: StoredRecord[];
  trimmed: number;
  trimmedStart: TrimmedStart;
}

const kinesisError = (type: string, message: string) => new FakeServiceError(400, type, message);

/** A Kinesis client for a local endpoint; `maxAttempts: 1` so each request is seen once. */
export function localKinesisClient(endpoint: string): KinesisClient {
  return new KinesisClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

/**
 * A local Kinesis Data Streams endpoint for GetShardIterator and GetRecords, one stream. It speaks
 * what the SDK client sends: JSON 1.1 (`X-Amz-Target: Kinesis_20131202.<Operation>`) over HTTP/2
 * without TLS, the client's default handler. Records carry `Data` as base64 and
 * `ApproximateArrivalTimestamp` as epoch seconds; an iterator is the shard and a position in it.
 */
export async function startFakeKinesis(streamName = "plantwatch-dev-TelemetryStream"): Promise<FakeKinesis> {
  const streamArn = `arn:aws:kinesis:eu-west-1:${ACCOUNT}:stream/${streamName}`;
  const shards = new Map<string, Shard>();
  let nextIndex = 1;
  let limit = MAX_RECORDS_PER_READ;
  let throttled = 0;

  const shardOf = (shardId: string): Shard => {
    const shard = shards.get(shardId) ?? { records: [], trimmed: 0, trimmedStart: "error" as const };
    shards.set(shardId, shard);
    return shard;
  };

  const getShardIterator = ({ body }: FakeCall) => {
    const input = body as Record<string, unknown>;
    if (input.StreamARN !== streamArn && input.StreamName !== streamName) {
      throw kinesisError(
        "ResourceNotFoundException",
        `Stream ${String(input.StreamARN)} under account ${ACCOUNT} not found.`,
      );
    }
    const shardId = String(input.ShardId);
    const shard = shards.get(shardId);
    if (shard === undefined) {
      throw kinesisError(
        "ResourceNotFoundException",
        `Shard ${shardId} in stream ${streamName} under account ${ACCOUNT} does not exist`,
      );
    }
    if (
      input.ShardIteratorType !== "AT_SEQUENCE_NUMBER" ||
      typeof input.StartingSequenceNumber !== "string"
    ) {
      throw kinesisError(
        "InvalidArgumentException",
        `the fake supports AT_SEQUENCE_NUMBER only, not ${String(input.ShardIteratorType)}`,
      );
    }
    const wanted = BigInt(input.StartingSequenceNumber);
    let position = shard.records.findIndex((record) => BigInt(record.sequenceNumber) >= wanted);
    if (position === -1) position = shard.records.length;
    if (position < shard.trimmed) {
      if (shard.trimmedStart === "error") {
        throw kinesisError(
          "InvalidArgumentException",
          `StartingSequenceNumber ${input.StartingSequenceNumber} used in GetShardIterator on shard ${shardId} in stream ${streamName} under account ${ACCOUNT} is invalid because it has been trimmed.`,
        );
      }
      position = shard.trimmed;
    }
    return { ShardIterator: Buffer.from(JSON.stringify([shardId, position])).toString("base64") };
  };

  const getRecords = ({ body }: FakeCall) => {
    const input = body as Record<string, unknown>;
    let shardId: string;
    let position: number;
    try {
      [shardId, position] = JSON.parse(
        Buffer.from(String(input.ShardIterator), "base64").toString("utf8"),
      ) as [string, number];
    } catch {
      throw kinesisError("InvalidArgumentException", "Invalid ShardIterator");
    }
    const shard = shardOf(shardId);
    const start = Math.max(position, shard.trimmed);
    const page = shard.records.slice(
      start,
      start + Math.min(limit, Number(input.Limit ?? MAX_RECORDS_PER_READ)),
    );
    const next = start + page.length;
    return {
      Records: page.map((record) => ({
        SequenceNumber: record.sequenceNumber,
        PartitionKey: record.partitionKey,
        Data: record.data.toString("base64"),
        ApproximateArrivalTimestamp: record.arrivedAt / 1000,
      })),
      NextShardIterator: Buffer.from(JSON.stringify([shardId, next])).toString("base64"),
      MillisBehindLatest: next >= shard.records.length ? 0 : 1_000,
    };
  };

  const putRecords = ({ body }: FakeCall) => {
    const input = body as {
      StreamARN?: string;
      StreamName?: string;
      Records?: { Data: string; PartitionKey: string }[];
    };
    if (input.StreamARN !== streamArn && input.StreamName !== streamName) {
      throw kinesisError(
        "ResourceNotFoundException",
        `Stream ${String(input.StreamARN)} under account ${ACCOUNT} not found.`,
      );
    }
    const records = input.Records ?? [];
    if (records.length === 0 || records.length > 500)
      throw kinesisError("ValidationException", `Records must have 1 to 500 entries, not ${records.length}`);
    let failed = 0;
    const results = records.map((record) => {
      if (
        typeof record.PartitionKey !== "string" ||
        record.PartitionKey.length === 0 ||
        record.PartitionKey.length > 256
      )
        throw kinesisError("ValidationException", "PartitionKey must be 1 to 256 characters");
      if (throttled > 0) {
        throttled--;
        failed++;
        return {
          ErrorCode: "ProvisionedThroughputExceededException",
          ErrorMessage: `Rate exceeded for shard ${FAKE_SHARD} in stream ${streamName} under account ${ACCOUNT}.`,
        };
      }
      const shard = shardOf(FAKE_SHARD);
      const stored: StoredRecord = {
        sequenceNumber: sequenceNumber(nextIndex++),
        partitionKey: record.PartitionKey,
        data: Buffer.from(record.Data, "base64"),
        arrivedAt: Date.now(),
      };
      shard.records.push(stored);
      return { SequenceNumber: stored.sequenceNumber, ShardId: FAKE_SHARD };
    });
    return { FailedRecordCount: failed, Records: results };
  };

  // The SDK client's default handler speaks HTTP/2 without TLS to an http:// endpoint.
  const endpoint = await startFakeEndpoint<RecordedKinesisRequest>({
    http2: true,
    services: [
      {
        protocol: awsJson({ targetPrefix: "Kinesis_20131202.", version: "1.1" }),
        operations: { GetShardIterator: getShardIterator, GetRecords: getRecords, PutRecords: putRecords },
      },
    ],
    record: ({ request, call, status, error }) => ({
      operation: call?.operation ?? "",
      body: (call?.body ?? {}) as Record<string, unknown>,
      contentType: request.headers["content-type"] ?? "",
      status,
      ...(error ? { errorType: error.type } : {}),
    }),
  });

  return {
    ...endpoint,
    streamArn,
    put: (shardId, records) => {
      const shard = shardOf(shardId);
      return records.map((record) => {
        const stored: StoredRecord = {
          sequenceNumber: sequenceNumber(nextIndex++),
          partitionKey: record.partitionKey,
          data: Buffer.from(record.data),
          arrivedAt: record.arrivedAt ?? Date.now(),
        };
        shard.records.push(stored);
        return stored.sequenceNumber;
      });
    },
    trim: (shardId, count, { start = "error" } = {}) => {
      const shard = shardOf(shardId);
      shard.trimmed = Math.min(shard.records.length, shard.trimmed + count);
      shard.trimmedStart = start;
    },
    pageSize: (records) => {
      limit = records;
    },
    throttleEntries: (count) => {
      throttled += count;
    },
    recordsOf: (shardId) => shardOf(shardId).records,
  };
}
