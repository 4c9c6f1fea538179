import { randomUUID } from "node:crypto";
import {
  createServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from "node:http2";
import type { AddressInfo } from "node:net";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { sequenceNumber } from "./kinesisEvents.ts";
import type { LocalServer } from "./localHttpServer.ts";

const TARGET_PREFIX = "Kinesis_20131202.";
const JSON_1_1 = "application/x-amz-json-1.1";
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
}

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
  const requests: RecordedKinesisRequest[] = [];
  let nextIndex = 1;
  let limit = MAX_RECORDS_PER_READ;

  const shardOf = (shardId: string): Shard => {
    const shard = shards.get(shardId) ?? { records: [], trimmed: 0, trimmedStart: "error" as const };
    shards.set(shardId, shard);
    return shard;
  };

  type Answer = { status: number; body: Record<string, unknown>; errorType?: string };
  const error = (type: string, message: string, status = 400): Answer => ({
    status,
    errorType: type,
    body: { __type: type, message },
  });

  const getShardIterator = (input: Record<string, unknown>): Answer => {
    if (input.StreamARN !== streamArn && input.StreamName !== streamName) {
      return error(
        "ResourceNotFoundException",
        `Stream ${String(input.StreamARN)} under account ${ACCOUNT} not found.`,
      );
    }
    const shardId = String(input.ShardId);
    const shard = shards.get(shardId);
    if (shard === undefined) {
      return error(
        "ResourceNotFoundException",
        `Shard ${shardId} in stream ${streamName} under account ${ACCOUNT} does not exist`,
      );
    }
    if (
      input.ShardIteratorType !== "AT_SEQUENCE_NUMBER" ||
      typeof input.StartingSequenceNumber !== "string"
    ) {
      return error(
        "InvalidArgumentException",
        `the fake supports AT_SEQUENCE_NUMBER only, not ${String(input.ShardIteratorType)}`,
      );
    }
    const wanted = BigInt(input.StartingSequenceNumber);
    let position = shard.records.findIndex((record) => BigInt(record.sequenceNumber) >= wanted);
    if (position === -1) position = shard.records.length;
    if (position < shard.trimmed) {
      if (shard.trimmedStart === "error") {
        return error(
          "InvalidArgumentException",
          `StartingSequenceNumber ${input.StartingSequenceNumber} used in GetShardIterator on shard ${shardId} in stream ${streamName} under account ${ACCOUNT} is invalid because it has been trimmed.`,
        );
      }
      position = shard.trimmed;
    }
    return {
      status: 200,
      body: { ShardIterator: Buffer.from(JSON.stringify([shardId, position])).toString("base64") },
    };
  };

  const getRecords = (input: Record<string, unknown>): Answer => {
    let shardId: string;
    let position: number;
    try {
      [shardId, position] = JSON.parse(
        Buffer.from(String(input.ShardIterator), "base64").toString("utf8"),
      ) as [string, number];
    } catch {
      return error("InvalidArgumentException", "Invalid ShardIterator");
    }
    const shard = shardOf(shardId);
    const start = Math.max(position, shard.trimmed);
    const page = shard.records.slice(
      start,
      start + Math.min(limit, Number(input.Limit ?? MAX_RECORDS_PER_READ)),
    );
    const next = start + page.length;
    return {
      status: 200,
      body: {
        Records: page.map((record) => ({
          SequenceNumber: record.sequenceNumber,
          PartitionKey: record.partitionKey,
          Data: record.data.toString("base64"),
          ApproximateArrivalTimestamp: record.arrivedAt / 1000,
        })),
        NextShardIterator: Buffer.from(JSON.stringify([shardId, next])).toString("base64"),
        MillisBehindLatest: next >= shard.records.length ? 0 : 1_000,
      },
    };
  };

  const handle = (
    headers: Record<string, string | string[] | undefined>,
    raw: Buffer,
  ): Answer & { operation: string; input: Record<string, unknown> } => {
    const target = String(headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let input: Record<string, unknown> = {};
    try {
      input = JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return { operation, input, ...error("SerializationException", "the body is not JSON") };
    }
    if (headers["content-type"] !== JSON_1_1) {
      return {
        operation,
        input,
        ...error("UnsupportedMediaTypeException", `content-type ${String(headers["content-type"])}`),
      };
    }
    if (operation === "GetShardIterator") return { operation, input, ...getShardIterator(input) };
    if (operation === "GetRecords") return { operation, input, ...getRecords(input) };
    return {
      operation,
      input,
      ...error("UnknownOperationException", `${target} is not supported by the fake`),
    };
  };

  const sessions = new Set<Http2Session>();
  const server = createServer((request: Http2ServerRequest, response: Http2ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const answer = handle(request.headers, Buffer.concat(chunks));
      requests.push({
        operation: answer.operation,
        body: answer.input,
        contentType: String(request.headers["content-type"] ?? ""),
        status: answer.status,
        ...(answer.errorType === undefined ? {} : { errorType: answer.errorType }),
      });
      response.writeHead(answer.status, {
        "content-type": JSON_1_1,
        "x-amzn-requestid": randomUUID(),
        ...(answer.errorType === undefined ? {} : { "x-amzn-errortype": answer.errorType }),
      });
      response.end(JSON.stringify(answer.body));
    });
  });
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    streamArn,
    requests,
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
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((closeError) => (closeError ? reject(closeError) : resolve()));
        for (const session of sessions) session.destroy();
      }),
  };
}
