import { randomUUID } from "node:crypto";
import type {
  _Record,
  Dimension,
  MeasureValue,
  RejectedRecord,
  WriteRecordsRequest,
} from "@aws-sdk/client-timestream-write";
import { type LocalReply, type LocalServer, startLocalServer } from "./localHttpServer.ts";
import { validateWriteRecords } from "./timestreamWriteValidation.ts";

const TARGET_PREFIX = "Timestream_20181101.";
/** The namespace the service puts in `__type`; the SDK keeps only the part after `#`. */
const ERROR_NAMESPACE = "com.amazonaws.timestream.v20181101";

/** Request-level failures the fake can be told to answer with, as the service sends them. */
export const TIMESTREAM_FAULTS = {
  throttling: { status: 400, type: "ThrottlingException", message: "Rate exceeded" },
  internal: { status: 500, type: "InternalServerException", message: "Internal server error" },
  accessDenied: { status: 400, type: "AccessDeniedException", message: "User is not authorized to write" },
} as const;
export type TimestreamFault = keyof typeof TIMESTREAM_FAULTS;

export const VERSION_CONFLICT_REASON =
  "A record with the same dimensions, time and measure name exists with different measure values " +
  "and a version equal to or higher than this one";

export type WriteRequestFilter = (request: WriteRecordsRequest) => boolean;

export interface RecordedTimestreamRequest {
  /** The operation from `x-amz-target`, e.g. `WriteRecords`. */
  readonly operation: string;
  readonly body: unknown;
  readonly status: number;
  /** The error's type when the fake answered with one. */
  readonly errorType?: string;
}

/** A stored row: one multi-measure record, keyed by dimensions, time and measure name. */
export interface StoredRow {
  readonly database: string;
  readonly table: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly measureName: string;
  /** Epoch milliseconds, as the wire carries it. */
  readonly time: string;
  readonly version: number;
  readonly measures: readonly MeasureValue[];
}

export interface FakeTimestream extends LocalServer {
  /** Every request received, in arrival order, with how it was answered. */
  readonly requests: readonly RecordedTimestreamRequest[];
  /** The bodies of every WriteRecords request received, whatever the answer. */
  writeRequests(): WriteRecordsRequest[];
  /** The bodies of the WriteRecords requests answered 200 (every record stored). */
  acceptedWriteRequests(): WriteRecordsRequest[];
  rows(): StoredRow[];
  /** Answers the next `times` (default 1) matching WriteRecords requests with `fault`; checked before validation. */
  fail(
    fault: TimestreamFault,
    options?: { readonly times?: number; readonly where?: WriteRequestFilter },
  ): void;
  /**
   * Rejects the records at `indexes` of the next `times` (default 1) matching valid requests with a
   * RejectedRecordsException; the request's other records are stored, as Timestream does.
   */
  rejectRecords(
    indexes: readonly number[],
    options?: {
      readonly reason?: string;
      readonly existingVersion?: number;
      readonly times?: number;
      readonly where?: WriteRequestFilter;
    },
  ): void;
}

export interface FakeTimestreamOptions {
  /** A measure name the fake refuses with a ValidationException, to plant one bad record in a batch. */
  readonly poisonMeasureName?: string;
}

interface Scripted<T> {
  remaining: number;
  readonly where: WriteRequestFilter;
  readonly answer: T;
}

/**
 * A local Timestream Write endpoint (awsJson1_0) for the real SDK client. It validates what plantwatch
 * relies on (≤ 100 records, CommonAttributes, MULTI records with well-formed values), stores records
 * with Timestream's upsert rule and can be scripted to throttle, fail or reject records.
 */
export async function startFakeTimestream(options: FakeTimestreamOptions = {}): Promise<FakeTimestream> {
  const requests: RecordedTimestreamRequest[] = [];
  const faults: Scripted<TimestreamFault>[] = [];
  const rejections: Scripted<{ indexes: readonly number[]; reason: string; existingVersion?: number }>[] = [];
  const stored = new Map<string, StoredRow>();

  const take = <T>(scripts: Scripted<T>[], request: WriteRecordsRequest): T | undefined => {
    const script = scripts.find((candidate) => candidate.remaining > 0 && candidate.where(request));
    if (script) script.remaining--;
    return script?.answer;
  };

  const writeRecords = (request: WriteRecordsRequest): Answer => {
    const fault = take(faults, request);
    if (fault) return error(TIMESTREAM_FAULTS[fault]);
    const problem = validateWriteRecords(request, options.poisonMeasureName);
    if (problem) return error({ status: 400, type: "ValidationException", message: problem });
    const scripted = take(rejections, request);
    const rejected: RejectedRecord[] = [];
    (request.Records ?? []).forEach((record, index) => {
      if (scripted?.indexes.includes(index)) {
        rejected.push({
          RecordIndex: index,
          Reason: scripted.reason,
          ExistingVersion: scripted.existingVersion,
        });
        return;
      }
      const existingVersion = upsert(stored, request, record);
      if (existingVersion !== undefined) {
        rejected.push({
          RecordIndex: index,
          Reason: VERSION_CONFLICT_REASON,
          ExistingVersion: existingVersion,
        });
      }
    });
    if (rejected.length > 0) {
      return error({
        status: 419,
        type: "RejectedRecordsException",
        message: "One or more records have been rejected. See RejectedRecords for details.",
        extra: { RejectedRecords: rejected },
      });
    }
    const total = request.Records?.length ?? 0;
    return { status: 200, body: { RecordsIngested: { Total: total, MemoryStore: total, MagneticStore: 0 } } };
  };

  const server = await startLocalServer(({ method, url, headers, body }): LocalReply => {
    const target = String(headers["x-amz-target"] ?? "");
    const operation = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : target;
    let parsed: unknown;
    let answer: Answer;
    try {
      parsed = JSON.parse(body.toString("utf8") || "{}");
      if (method !== "POST" || url !== "/") {
        answer = error({ status: 404, type: "UnknownOperationException", message: `${method} ${url}` });
      } else if (operation === "DescribeEndpoints") {
        // Asked when the endpoint comes from the environment (AWS_ENDPOINT_URL_TIMESTREAM_WRITE) rather
        // than the client's `endpoint`. Like the service, answer a bare host name: the SDK swaps it into
        // the request's hostname and keeps the configured scheme and port.
        answer = { status: 200, body: { Endpoints: [{ Address: "127.0.0.1", CachePeriodInMinutes: 1440 }] } };
      } else if (operation === "WriteRecords") {
        answer = writeRecords(parsed as WriteRecordsRequest);
      } else {
        answer = error({
          status: 400,
          type: "UnknownOperationException",
          message: `unsupported target ${target}`,
        });
      }
    } catch {
      answer = error({ status: 400, type: "SerializationException", message: "request body is not JSON" });
    }
    requests.push({ operation, body: parsed, status: answer.status, errorType: answer.errorType });
    return {
      status: answer.status,
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amzn-requestid": randomUUID(),
        ...(answer.errorType ? { "x-amzn-errortype": answer.errorType } : {}),
      },
      body: JSON.stringify(answer.body),
    };
  });

  const writes = (filter: (request: RecordedTimestreamRequest) => boolean) =>
    requests
      .filter((request) => request.operation === "WriteRecords" && filter(request))
      .map((request) => request.body as WriteRecordsRequest);

  return {
    ...server,
    requests,
    writeRequests: () => writes(() => true),
    acceptedWriteRequests: () => writes((request) => request.status === 200),
    rows: () => [...stored.values()],
    fail: (fault, { times = 1, where = () => true } = {}) => {
      faults.push({ remaining: times, where, answer: fault });
    },
    rejectRecords: (
      indexes,
      { reason = "Rejected by the fake", existingVersion, times = 1, where = () => true } = {},
    ) => {
      rejections.push({ remaining: times, where, answer: { indexes, reason, existingVersion } });
    },
  };
}

interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly errorType?: string;
}

function error(fault: { status: number; type: string; message: string; extra?: object }): Answer {
  return {
    status: fault.status,
    errorType: fault.type,
    body: { __type: `${ERROR_NAMESPACE}#${fault.type}`, Message: fault.message, ...fault.extra },
  };
}

/**
 * Timestream's rule for a record whose dimensions, time and measure name exist: identical values are
 * accepted whatever the version (so replays are idempotent); different values replace the row only
 * with a higher version. Returns the existing version when the record is rejected.
 */
function upsert(
  stored: Map<string, StoredRow>,
  request: WriteRecordsRequest,
  record: _Record,
): number | undefined {
  const common = request.CommonAttributes ?? {};
  const dimensions: Record<string, string> = {};
  for (const dimension of [...(common.Dimensions ?? []), ...(record.Dimensions ?? [])] as Dimension[]) {
    dimensions[dimension.Name as string] = dimension.Value as string;
  }
  const row: StoredRow = {
    database: request.DatabaseName as string,
    table: request.TableName as string,
    dimensions,
    measureName: (record.MeasureName ?? common.MeasureName) as string,
    time: (record.Time ?? common.Time) as string,
    version: record.Version ?? common.Version ?? 1,
    measures: record.MeasureValues ?? common.MeasureValues ?? [],
  };
  const sortedDimensions = Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b));
  const key = JSON.stringify([row.database, row.table, sortedDimensions, row.time, row.measureName]);
  const existing = stored.get(key);
  if (existing && canonical(existing.measures) === canonical(row.measures)) {
    stored.set(key, { ...existing, version: Math.max(existing.version, row.version) });
    return undefined;
  }
  if (existing && row.version <= existing.version) return existing.version;
  stored.set(key, row);
  return undefined;
}

function canonical(measures: readonly MeasureValue[]): string {
  const sorted = [...measures].sort((a, b) => String(a.Name).localeCompare(String(b.Name)));
  return JSON.stringify(sorted.map((measure) => [measure.Name, measure.Type, measure.Value]));
}
