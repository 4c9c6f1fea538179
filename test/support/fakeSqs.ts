import { createHash, randomUUID } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsJson } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

const ACCOUNT = "123456789012";
/** SQS's default when ReceiveMessage names no VisibilityTimeout (the queue's own setting). */
const DEFAULT_VISIBILITY_SECONDS = 30;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_BATCH = 10;

/** Request-level failures the fake can be told to answer with. */
export const SQS_FAULTS = {
  accessDenied: {
    status: 400,
    type: "com.amazon.coral.service#AccessDeniedException",
    queryError: "AccessDenied;Sender",
    message: "User is not authorized to perform: sqs:ReceiveMessage on the queue",
  },
  internal: {
    status: 500,
    type: "com.amazonaws.sqs#InternalError",
    queryError: "InternalError;Receiver",
    message: "We encountered an internal error. Please try again.",
  },
} as const;
export type SqsFault = keyof typeof SQS_FAULTS;

/** A message put in the queue by a test, as a service would send it. */
export interface FakeSqsMessageInput {
  readonly body: string;
  /** String message attributes (EventBridge and Scheduler put their error details there). */
  readonly messageAttributes?: Readonly<Record<string, string>>;
  /** Epoch ms; default: now. */
  readonly sentTimestamp?: number;
  /** What SQS reports as SenderId: `<role id>:<session>` for a role; default an IAM user's id. */
  readonly senderId?: string;
}

/** A message in the queue as the fake holds it. */
export interface FakeSqsMessage {
  readonly messageId: string;
  readonly body: string;
  readonly receiveCount: number;
  /** Not hidden by a receive now. */
  readonly visible: boolean;
}

export interface RecordedSqsRequest {
  /** The operation from `x-amz-target`, e.g. `ReceiveMessage`. */
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly status: number;
  readonly errorType?: string;
}

export interface FakeSqs extends LocalServer {
  /** `<endpoint>/<account>/<name>`: the only queue; any other QueueUrl is QueueDoesNotExist. */
  readonly queueUrl: string;
  readonly requests: readonly RecordedSqsRequest[];
  /** Adds a message; returns its id. */
  send(message: FakeSqsMessageInput): string;
  /** The messages not deleted, in the order sent. */
  messages(): FakeSqsMessage[];
  /** Answers the next `times` (default 1) requests of `operation` with `fault`. */
  fail(operation: string, fault: SqsFault, options?: { readonly times?: number }): void;
  /** Answers the next `times` (default 1) DeleteMessage requests for this message with an error. */
  refuseDelete(messageId: string, options?: { readonly times?: number }): void;
}

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly messageAttributes: Readonly<Record<string, string>>;
  readonly sentTimestamp: number;
  readonly senderId: string;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  invisibleUntil: number;
  /** Only the handle of the latest receive is valid, so a stale handle is caught. */
  receiptHandle?: string;
}

/** An SQS client for a local endpoint; `maxAttempts: 1` so each request is seen once. */
export function localSqsClient(endpoint: string): SQSClient {
  return new SQSClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

/**
 * A client error as SQS answers it in JSON: the shape name in `__type`, and the old Query API code in
 * `x-amzn-query-error`, from which the SDK names the exception (e.g. `AWS.SimpleQueueService.NonExistentQueue`
 * becomes QueueDoesNotExist).
 */
const sqsError = (status: number, type: string, queryError: string, message: string) =>
  new FakeServiceError(status, type, message, { headers: { "x-amzn-query-error": queryError } });
const senderFault = (type: string, queryCode: string, message: string, status = 400) =>
  sqsError(status, `com.amazonaws.sqs#${type}`, `${queryCode};Sender`, message);

/**
 * A local SQS endpoint speaking what @aws-sdk/client-sqs 3.1169 sends: the AWS JSON 1.0 protocol
 * (`X-Amz-Target: AmazonSQS.<Operation>`, `content-type: application/x-amz-json-1.0`). One in-memory
 * standard queue that honours visibility timeouts and receipt handles, and answers ReceiveMessage
 * with MD5OfBody (the SDK checks it) and only the attributes the request names.
 */
export async function startFakeSqs(queueName = "plantwatch-dlq"): Promise<FakeSqs> {
  const stored: StoredMessage[] = [];
  const refusedDeletes = new Map<string, number>();
  let queueUrl = "";

  const checkQueue = (body: Record<string, unknown>) => {
    if (body.QueueUrl !== queueUrl) {
      throw senderFault(
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
        `The specified queue does not exist: ${String(body.QueueUrl)}`,
      );
    }
  };

  const byHandle = (handle: unknown): StoredMessage => {
    const message = stored.find((candidate) => candidate.receiptHandle === handle);
    if (message === undefined || typeof handle !== "string") {
      throw senderFault(
        "ReceiptHandleIsInvalid",
        "ReceiptHandleIsInvalid",
        `The input receipt handle "${String(handle)}" is not valid.`,
        404,
      );
    }
    return message;
  };

  const deleteOne = (handle: unknown) => {
    const message = byHandle(handle);
    const refusals = refusedDeletes.get(message.messageId) ?? 0;
    if (refusals > 0) {
      refusedDeletes.set(message.messageId, refusals - 1);
      throw sqsError(500, "com.amazonaws.sqs#InternalError", "InternalError;Receiver", "scripted failure");
    }
    stored.splice(stored.indexOf(message), 1);
  };

  const changeVisibility = (handle: unknown, timeout: unknown) => {
    const message = byHandle(handle);
    const seconds = visibilitySeconds(timeout);
    if (message.invisibleUntil <= Date.now()) {
      throw senderFault(
        "MessageNotInflight",
        "AWS.SimpleQueueService.MessageNotInflight",
        "The message referred to is not in flight.",
      );
    }
    message.invisibleUntil = Date.now() + seconds * 1000;
  };

  const receive = (body: Record<string, unknown>) => {
    const max = body.MaxNumberOfMessages ?? 1;
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > MAX_BATCH) {
      throw senderFault(
        "InvalidParameterValueException",
        "InvalidParameterValue",
        `Value ${String(max)} for parameter MaxNumberOfMessages is invalid.`,
      );
    }
    const seconds =
      body.VisibilityTimeout === undefined
        ? DEFAULT_VISIBILITY_SECONDS
        : visibilitySeconds(body.VisibilityTimeout);
    const now = Date.now();
    const systemNames = [...names(body.MessageSystemAttributeNames), ...names(body.AttributeNames)];
    const attributeNames = names(body.MessageAttributeNames);
    const received = stored.filter((message) => message.invisibleUntil <= now).slice(0, max);
    return {
      Messages: received.map((message) => {
        message.receiveCount++;
        message.firstReceiveTimestamp ??= now;
        message.invisibleUntil = now + seconds * 1000;
        message.receiptHandle = `${message.messageId}#${randomUUID()}`;
        const system: Record<string, string> = {
          SenderId: message.senderId,
          SentTimestamp: String(message.sentTimestamp),
          ApproximateReceiveCount: String(message.receiveCount),
          ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
        };
        const attributes = Object.fromEntries(
          Object.entries(system).filter(
            ([name]) => systemNames.includes("All") || systemNames.includes(name),
          ),
        );
        const messageAttributes = Object.fromEntries(
          Object.entries(message.messageAttributes)
            .filter(([name]) => attributeNames.some((pattern) => matchesAttribute(pattern, name)))
            .map(([name, value]) => [name, { StringValue: value, DataType: "String" }]),
        );
        return {
          MessageId: message.messageId,
          ReceiptHandle: message.receiptHandle,
          MD5OfBody: createHash("md5").update(message.body, "utf8").digest("hex"),
          Body: message.body,
          ...(Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }),
          ...(Object.keys(messageAttributes).length === 0 ? {} : { MessageAttributes: messageAttributes }),
        };
      }),
    };
  };

  const batch = (body: Record<string, unknown>, each: (entry: Record<string, unknown>) => void) => {
    const entries = body.Entries;
    if (!Array.isArray(entries) || entries.length === 0) {
      throw senderFault(
        "EmptyBatchRequest",
        "AWS.SimpleQueueService.EmptyBatchRequest",
        "There should be at least one entry in the request.",
      );
    }
    if (entries.length > MAX_BATCH) {
      throw senderFault(
        "TooManyEntriesInBatchRequest",
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        `Maximum number of entries per request are ${MAX_BATCH}.`,
      );
    }
    const ids = entries.map((entry: Record<string, unknown>) => entry.Id);
    if (new Set(ids).size !== ids.length) {
      throw senderFault(
        "BatchEntryIdsNotDistinct",
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        "Two or more batch entries in the request have the same Id.",
      );
    }
    const Successful: { Id: unknown }[] = [];
    const Failed: { Id: unknown; SenderFault: boolean; Code: string; Message: string }[] = [];
    for (const entry of entries as Record<string, unknown>[]) {
      try {
        each(entry);
        Successful.push({ Id: entry.Id });
      } catch (error) {
        const failure = error as FakeServiceError;
        Failed.push({
          Id: entry.Id,
          SenderFault: failure.status < 500,
          Code: failure.type.split("#").at(-1) ?? failure.type,
          Message: failure.message,
        });
      }
    }
    return { Successful, Failed };
  };

  /** Every operation works on the one queue; another QueueUrl is refused before it runs. */
  const onQueue =
    (operation: (body: Record<string, unknown>) => unknown) =>
    ({ body }: FakeCall) => {
      checkQueue(body as Record<string, unknown>);
      return operation(body as Record<string, unknown>);
    };
  const operations: Record<string, (body: Record<string, unknown>) => unknown> = {
    ReceiveMessage: receive,
    DeleteMessage: (body) => {
      deleteOne(body.ReceiptHandle);
      return {};
    },
    DeleteMessageBatch: (body) => batch(body, (entry) => deleteOne(entry.ReceiptHandle)),
    ChangeMessageVisibility: (body) => {
      changeVisibility(body.ReceiptHandle, body.VisibilityTimeout);
      return {};
    },
    ChangeMessageVisibilityBatch: (body) =>
      batch(body, (entry) => changeVisibility(entry.ReceiptHandle, entry.VisibilityTimeout)),
  };

  const endpoint = await startFakeEndpoint<RecordedSqsRequest>({
    services: [
      {
        protocol: sqsProtocol(),
        operations: Object.fromEntries(
          Object.entries(operations).map(([name, operation]) => [name, onQueue(operation)]),
        ),
      },
    ],
    record: ({ call, status, error }) => ({
      operation: call?.operation ?? "",
      body: (call?.body ?? {}) as Record<string, unknown>,
      status,
      ...(error ? { errorType: error.type } : {}),
    }),
  });
  queueUrl = `${endpoint.endpoint}/${ACCOUNT}/${queueName}`;

  return {
    ...endpoint,
    queueUrl,
    send: ({ body, messageAttributes = {}, sentTimestamp = Date.now(), senderId = "AIDAFAKESENDER" }) => {
      const messageId = randomUUID();
      stored.push({
        messageId,
        body,
        messageAttributes,
        sentTimestamp,
        senderId,
        receiveCount: 0,
        invisibleUntil: 0,
      });
      return messageId;
    },
    messages: () =>
      stored.map((message) => ({
        messageId: message.messageId,
        body: message.body,
        receiveCount: message.receiveCount,
        visible: message.invisibleUntil <= Date.now(),
      })),
    fail: (operation, fault, { times = 1 } = {}) => {
      const { status, type, queryError, message } = SQS_FAULTS[fault];
      endpoint.script(operation, sqsError(status, type, queryError, message), { times });
    },
    refuseDelete: (messageId, { times = 1 } = {}) => {
      refusedDeletes.set(messageId, times);
    },
  };
}

/** SQS's AWS JSON 1.0; errors are named by `x-amzn-query-error`, not `x-amzn-errortype`. */
export const sqsProtocol = () =>
  awsJson({
    targetPrefix: "AmazonSQS.",
    version: "1.0",
    errorNamespace: "com.amazonaws.sqs",
    errorTypeHeader: false,
  });

function visibilitySeconds(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_VISIBILITY_SECONDS) {
    throw senderFault(
      "InvalidParameterValueException",
      "InvalidParameterValue",
      `Value ${String(value)} for parameter VisibilityTimeout is invalid.`,
    );
  }
  return value;
}

function names(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((name): name is string => typeof name === "string") : [];
}

/** `All` and `.*` name every attribute; `Prefix.*` those under a prefix; anything else one attribute. */
function matchesAttribute(pattern: string, name: string): boolean {
  if (pattern === "All" || pattern === ".*") return true;
  if (pattern.endsWith(".*")) return name.startsWith(pattern.slice(0, -1));
  return pattern === name;
}
