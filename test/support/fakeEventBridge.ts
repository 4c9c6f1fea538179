import { randomUUID } from "node:crypto";
import {
  EventBridgeClient,
  type PutEventsRequest,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from "@aws-sdk/client-eventbridge";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsJson } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

const TARGET_PREFIX = "AWSEvents.";
const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

/** Request-level failures the fake can be told to answer with, as the service sends them. */
export const EVENTBRIDGE_FAULTS = {
  throttling: { status: 400, type: "ThrottlingException", message: "Rate exceeded." },
  internal: { status: 500, type: "InternalException", message: "An internal error occurred." },
  accessDenied: {
    status: 400,
    type: "AccessDeniedException",
    message: "User is not authorized to perform: events:PutEvents on resource: event-bus/plantwatch",
  },
} as const;
export type EventBridgeFault = keyof typeof EVENTBRIDGE_FAULTS;

/** Per-entry error codes AWS documents as retryable, with the fake's message for each. */
export const ENTRY_ERRORS = {
  ThrottlingException: "Rate exceeded.",
  InternalFailure: "An internal failure occurred.",
} as const;
export type EntryErrorCode = keyof typeof ENTRY_ERRORS;

export type PutEventsFilter = (request: PutEventsRequest) => boolean;
/** Chooses entries by their parsed detail (undefined when it is not JSON) and the raw entry. */
export type EntryFilter = (detail: unknown, entry: PutEventsRequestEntry) => boolean;

export interface RecordedEventBridgeRequest {
  /** The operation from `x-amz-target`, e.g. `PutEvents`. */
  readonly operation: string;
  readonly body: unknown;
  /** 0 for a request the fake never answered. */
  readonly status: number;
  /** The error's type when the fake answered with one. */
  readonly errorType?: string;
}

/** An event the fake accepted, as a rule target would see its fields. */
export interface AcceptedEvent {
  readonly id: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  readonly detail: unknown;
  /** The entry's `Time` (ISO 8601), or the time of receipt when it had none. */
  readonly time: string;
  readonly resources: readonly string[];
}

export interface FakeEventBridge extends LocalServer {
  /** Every request received, in arrival order, with how it was answered. */
  readonly requests: readonly RecordedEventBridgeRequest[];
  /** The bodies of every PutEvents request received, whatever the answer. */
  putEventsRequests(): PutEventsRequest[];
  /** Every event accepted, in the order accepted. */
  events(): AcceptedEvent[];
  /** Answers the next `times` (default 1) matching PutEvents requests with `fault`; checked before validation. */
  fail(
    fault: EventBridgeFault,
    options?: { readonly times?: number; readonly where?: PutEventsFilter },
  ): void;
  /** Never answers the next `times` (default 1) matching PutEvents requests. */
  hang(options?: { readonly times?: number; readonly where?: PutEventsFilter }): void;
  /**
   * Fails each valid entry matching `where` the first `times` (default 1) times it is received (the same
   * `Detail` counts as the same entry), with `errorCode` in the response and FailedEntryCount, as
   * EventBridge does; the request's other entries are accepted.
   */
  failEntries(
    errorCode: EntryErrorCode,
    options: { readonly times?: number; readonly where: EntryFilter },
  ): void;
}

interface ScriptedEntries {
  readonly errorCode: EntryErrorCode;
  readonly times: number;
  readonly where: EntryFilter;
  /** Failures so far, by `Detail`. */
  readonly spent: Map<string, number>;
}

/** An EventBridge client for a local endpoint; `maxAttempts: 1` as in production. */
export function localEventBridgeClient(endpoint: string): EventBridgeClient {
  return new EventBridgeClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

const faultError = (fault: EventBridgeFault) => {
  const { status, type, message } = EVENTBRIDGE_FAULTS[fault];
  return new FakeServiceError(status, type, message);
};

/**
 * A local EventBridge endpoint (awsJson1_1, `AWSEvents.PutEvents`) for the real SDK client. It checks
 * what the service checks and plantwatch relies on (≤ 10 entries, ≤ 256 KB in total, Source, DetailType
 * and a JSON-object Detail per entry), plus one rule of its own: every entry names its EventBusName, so
 * nothing silently lands on the default bus. It can be scripted to throttle, fail, hang or fail entries.
 */
export async function startFakeEventBridge(): Promise<FakeEventBridge> {
  const accepted: AcceptedEvent[] = [];
  const entryFailures: ScriptedEntries[] = [];

  const scriptedEntryError = (entry: PutEventsRequestEntry, detail: unknown): EntryErrorCode | undefined => {
    const key = entry.Detail ?? "";
    for (const script of entryFailures) {
      const spent = script.spent.get(key) ?? 0;
      if (spent < script.times && script.where(detail, entry)) {
        script.spent.set(key, spent + 1);
        return script.errorCode;
      }
    }
    return undefined;
  };

  const putEntry = (entry: PutEventsRequestEntry): PutEventsResultEntry => {
    for (const field of ["Source", "DetailType", "Detail"] as const) {
      if (typeof entry[field] !== "string" || entry[field] === "") {
        return {
          ErrorCode: "InvalidArgument",
          ErrorMessage: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        };
      }
    }
    const detail = parseObject(entry.Detail as string);
    if (detail === undefined) return { ErrorCode: "MalformedDetail", ErrorMessage: "Detail is malformed." };
    const errorCode = scriptedEntryError(entry, detail);
    if (errorCode) return { ErrorCode: errorCode, ErrorMessage: ENTRY_ERRORS[errorCode] };
    const id = randomUUID();
    accepted.push({
      id,
      eventBusName: entry.EventBusName as string,
      source: entry.Source as string,
      detailType: entry.DetailType as string,
      detail,
      // awsJson carries Time as epoch seconds.
      time: new Date(entry.Time === undefined ? Date.now() : Number(entry.Time) * 1000).toISOString(),
      resources: entry.Resources ?? [],
    });
    return { EventId: id };
  };

  const putEvents = ({ body }: FakeCall) => {
    const request = body as PutEventsRequest;
    const problem = validatePutEvents(request);
    if (problem) throw new FakeServiceError(400, "ValidationException", problem);
    const entries = (request.Entries ?? []).map(putEntry);
    const failedEntryCount = entries.filter((entry) => entry.ErrorCode !== undefined).length;
    return { FailedEntryCount: failedEntryCount, Entries: entries };
  };

  const endpoint = await startFakeEndpoint<RecordedEventBridgeRequest>({
    services: [
      {
        protocol: awsJson({ targetPrefix: TARGET_PREFIX, version: "1.1" }),
        operations: { PutEvents: putEvents },
      },
    ],
    record: ({ call, status, error }) => ({
      operation: call?.operation ?? "",
      body: call?.body,
      status,
      ...(error ? { errorType: error.type } : {}),
    }),
  });
  const putEventsWhere = (where: PutEventsFilter) => (call: FakeCall) => where(call.body as PutEventsRequest);

  return {
    ...endpoint,
    putEventsRequests: () =>
      endpoint.requests
        .filter((request) => request.operation === "PutEvents")
        .map((request) => request.body as PutEventsRequest),
    events: () => [...accepted],
    fail: (fault, { times = 1, where = () => true } = {}) =>
      endpoint.script("PutEvents", faultError(fault), { times, where: putEventsWhere(where) }),
    hang: ({ times = 1, where = () => true } = {}) =>
      endpoint.script("PutEvents", "hang", { times, where: putEventsWhere(where) }),
    failEntries: (errorCode, { times = 1, where }) => {
      entryFailures.push({ errorCode, times, where, spent: new Map() });
    },
  };
}

/** What makes EventBridge refuse a whole PutEvents request (400 ValidationException), or undefined. */
function validatePutEvents(request: PutEventsRequest): string | undefined {
  const entries = request.Entries;
  if (!Array.isArray(entries) || entries.length === 0) {
    return "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null";
  }
  if (entries.length > MAX_ENTRIES) {
    return `1 validation error detected: Value '[...]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`;
  }
  const missingBus = entries.findIndex((entry) => !entry.EventBusName);
  if (missingBus >= 0) {
    return `entries[${missingBus}] has no EventBusName (the fake's own rule: plantwatch never publishes to the default bus)`;
  }
  const total = entries.reduce((sum, entry) => sum + sizeOf(entry), 0);
  if (total > MAX_REQUEST_BYTES) return "Total size of the entries in the request is over the limit.";
  return undefined;
}

/**
 * An entry's size as EventBridge documents it (eb-putevent-size): 14 bytes for Time if present, plus the
 * UTF-8 bytes of Source, DetailType, Detail and each resource. Written independently of the adapter's.
 */
function sizeOf(entry: PutEventsRequestEntry): number {
  const utf8 = (text: unknown) => (typeof text === "string" ? Buffer.byteLength(text, "utf8") : 0);
  let size = entry.Time === undefined ? 0 : 14;
  size += utf8(entry.Source) + utf8(entry.DetailType) + utf8(entry.Detail);
  for (const resource of entry.Resources ?? []) size += utf8(resource);
  return size;
}

function parseObject(text: string): object | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
