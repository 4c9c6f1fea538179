import type {
  _Record,
  Dimension,
  MeasureValue,
  RejectedRecord,
  WriteRecordsRequest,
} from "@aws-sdk/client-timestream-write";
import { type FakeCall, FakeServiceError, Script, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsJson } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";
import { validateWriteRecords } from "./timestreamWriteValidation.ts";

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

interface ScriptedRejection {
  readonly indexes: readonly number[];
  readonly reason: string;
  readonly existingVersion?: number;
}

const faultError = (fault: TimestreamFault) => {
  const { status, type, message } = TIMESTREAM_FAULTS[fault];
  return new FakeServiceError(status, type, message);
};

/**
 * A local Timestream Write endpoint (awsJson1_0) for the real SDK client. It validates what plantwatch
 * relies on (≤ 100 records, CommonAttributes, MULTI records with well-formed values), stores records
 * with Timestream's upsert rule and can be scripted to throttle, fail or reject records.
 */
export async function startFakeTimestream(options: FakeTimestreamOptions = {}): Promise<FakeTimestream> {
  const rejections = new Script<WriteRecordsRequest, ScriptedRejection>();
  const stored = new Map<string, StoredRow>();

  const writeRecords = ({ body }: FakeCall) => {
    const request = body as WriteRecordsRequest;
    const problem = validateWriteRecords(request, options.poisonMeasureName);
    if (problem) throw new FakeServiceError(400, "ValidationException", problem);
    const scripted = rejections.take(request);
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
      throw new FakeServiceError(
        419,
        "RejectedRecordsException",
        "One or more records have been rejected. See RejectedRecords for details.",
        { body: { RejectedRecords: rejected } },
      );
    }
    const total = request.Records?.length ?? 0;
    return { RecordsIngested: { Total: total, MemoryStore: total, MagneticStore: 0 } };
  };

  const endpoint = await startFakeEndpoint<RecordedTimestreamRequest>({
    services: [
      {
        protocol: timestreamProtocol(),
        operations: { DescribeEndpoints: describeEndpoints, WriteRecords: writeRecords },
      },
    ],
    record: ({ call, status, error }) => ({
      operation: call?.operation ?? "",
      body: call?.body,
      status,
      ...(error ? { errorType: error.type } : {}),
    }),
  });

  const writes = (filter: (request: RecordedTimestreamRequest) => boolean) =>
    endpoint.requests
      .filter((request) => request.operation === "WriteRecords" && filter(request))
      .map((request) => request.body as WriteRecordsRequest);

  return {
    ...endpoint,
    writeRequests: () => writes(() => true),
    acceptedWriteRequests: () => writes((request) => request.status === 200),
    rows: () => [...stored.values()],
    fail: (fault, { times = 1, where = () => true } = {}) =>
      endpoint.script("WriteRecords", faultError(fault), {
        times,
        where: (call) => where(call.body as WriteRecordsRequest),
      }),
    rejectRecords: (
      indexes,
      { reason = "Rejected by the fake", existingVersion, times = 1, where = () => true } = {},
    ) => rejections.add({ indexes, reason, existingVersion }, { times, where }),
  };
}

/** Timestream Write and Query both speak awsJson1_0 under this target; the SDK keeps the part after `#`. */
export const timestreamProtocol = () =>
  awsJson({
    targetPrefix: "Timestream_20181101.",
    version: "1.0",
    errorNamespace: "com.amazonaws.timestream.v20181101",
    messageKey: "Message",
  });

/**
 * Asked when the endpoint comes from the environment (AWS_ENDPOINT_URL_TIMESTREAM_WRITE) rather than
 * the client's `endpoint`. Like the service, answer a bare host name: the SDK swaps it into the
 * request's hostname and keeps the configured scheme and port.
 */
export const describeEndpoints = () => ({
  Endpoints: [{ Address: "127.0.0.1", CachePeriodInMinutes: 1440 }],
});

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
