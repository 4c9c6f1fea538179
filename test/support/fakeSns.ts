import { randomUUID } from "node:crypto";
import { SNSClient } from "@aws-sdk/client-sns";
import { TEST_CLIENT_CONFIG } from "./awsClients.ts";
import { type FakeCall, FakeServiceError, startFakeEndpoint } from "./fakeEndpoint.ts";
import { awsQuery } from "./fakeEndpointProtocols.ts";
import type { LocalServer } from "./localHttpServer.ts";

const MAX_MESSAGE_BYTES = 256 * 1024;
const MAX_SUBJECT_LENGTH = 99;
const MAX_ATTRIBUTES = 10;

/**
 * Request-level failures the fake can be told to answer with, as the service sends them (awsQuery; the
 * error's Type is Sender below 500, Receiver from 500).
 */
export const SNS_FAULTS = {
  throttled: { status: 429, code: "Throttled", message: "Rate exceeded" },
  kmsThrottling: { status: 400, code: "KMSThrottling", message: "KMS rate exceeded" },
  internal: { status: 500, code: "InternalError", message: "Internal failure" },
  authorization: {
    status: 403,
    code: "AuthorizationError",
    message: "User is not authorized to perform: SNS:Publish",
  },
} as const;
export type SnsFault = keyof typeof SNS_FAULTS;

/** A Publish the fake accepted, decoded. */
export interface PublishedMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly messageStructure?: string;
  readonly attributes: Readonly<Record<string, { readonly dataType: string; readonly value: string }>>;
}

export interface RecordedSnsRequest {
  /** The form's `Action`, e.g. `Publish`. */
  readonly action: string;
  /** The decoded form parameters, as sent. */
  readonly params: Readonly<Record<string, string>>;
  readonly contentType: string;
  /** 0 for a request the fake never answered. */
  readonly status: number;
  readonly errorCode?: string;
}

export type PublishFilter = (params: Readonly<Record<string, string>>) => boolean;

export interface FakeSns extends LocalServer {
  /** Every request received, in arrival order, with how it was answered. */
  readonly requests: readonly RecordedSnsRequest[];
  /** Every message accepted, in order. */
  published(): PublishedMessage[];
  /** Answers the next `times` (default 1) matching Publish requests with `fault`; checked before validation. */
  fail(fault: SnsFault, options?: { readonly times?: number; readonly where?: PublishFilter }): void;
  /** Never answers the next `times` (default 1) matching Publish requests. */
  hang(options?: { readonly times?: number; readonly where?: PublishFilter }): void;
}

/** An SNS client for a local endpoint; `maxAttempts: 1` as in production. */
export function localSnsClient(endpoint: string): SNSClient {
  return new SNSClient({ ...TEST_CLIENT_CONFIG, endpoint, maxAttempts: 1 });
}

const faultError = (fault: SnsFault) => {
  const { status, code, message } = SNS_FAULTS[fault];
  return new FakeServiceError(status, code, message);
};

/**
 * A local SNS endpoint speaking the Query protocol the SDK uses (form-encoded `Action=Publish`,
 * XML answers) for topics it is told about. It checks what SNS checks and plantwatch relies on: a
 * known topic, a non-empty message of at most 256 KB, a subject of at most 99 printable ASCII
 * characters (the stricter of SNS's documented rules), with `MessageStructure=json` a JSON object of
 * string values with a `default`, and at most 10 string attributes with values. It can be scripted
 * to fail or hang.
 */
export async function startFakeSns(topicArns: readonly string[]): Promise<FakeSns> {
  const topics = new Set(topicArns);
  const published: PublishedMessage[] = [];

  const publish = ({ body }: FakeCall) => {
    const params = body as Record<string, string>;
    const problem = validatePublish(params, topics);
    if (problem) throw new FakeServiceError(400, "InvalidParameter", problem);
    const messageId = randomUUID();
    published.push({
      messageId,
      topicArn: params.TopicArn as string,
      ...(params.Subject === undefined ? {} : { subject: params.Subject }),
      message: params.Message as string,
      ...(params.MessageStructure === undefined ? {} : { messageStructure: params.MessageStructure }),
      attributes: attributesOf(params),
    });
    return `<MessageId>${messageId}</MessageId>`;
  };

  const endpoint = await startFakeEndpoint<RecordedSnsRequest>({
    services: [{ protocol: snsProtocol(), operations: { Publish: publish } }],
    record: ({ request, call, status, error }) => ({
      action: call?.operation ?? "",
      params: (call?.body ?? {}) as Record<string, string>,
      contentType: request.headers["content-type"] ?? "",
      status,
      ...(error ? { errorCode: error.type } : {}),
    }),
  });
  const publishWhere = (where: PublishFilter) => (call: FakeCall) =>
    where(call.body as Record<string, string>);

  return {
    ...endpoint,
    published: () => [...published],
    fail: (fault, { times = 1, where = () => true } = {}) =>
      endpoint.script("Publish", faultError(fault), { times, where: publishWhere(where) }),
    hang: ({ times = 1, where = () => true } = {}) =>
      endpoint.script("Publish", "hang", { times, where: publishWhere(where) }),
  };
}

/** SNS's Query protocol, version 2010-03-31. */
export const snsProtocol = () =>
  awsQuery({ version: "2010-03-31", xmlNamespace: "http://sns.amazonaws.com/doc/2010-03-31/" });

/** `MessageAttributes.entry.N.{Name,Value.DataType,Value.StringValue}`, by name. */
function attributesOf(params: Record<string, string>): Record<string, { dataType: string; value: string }> {
  const attributes: Record<string, { dataType: string; value: string }> = {};
  for (let n = 1; params[`MessageAttributes.entry.${n}.Name`] !== undefined; n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    attributes[params[`${prefix}.Name`] as string] = {
      dataType: params[`${prefix}.Value.DataType`] ?? "",
      value: params[`${prefix}.Value.StringValue`] ?? "",
    };
  }
  return attributes;
}

/** Why SNS would refuse this Publish (400 InvalidParameter), or undefined. */
function validatePublish(params: Record<string, string>, topics: ReadonlySet<string>): string | undefined {
  const { TopicArn, Message, Subject, MessageStructure } = params;
  if (TopicArn === undefined || !topics.has(TopicArn)) return `Invalid parameter: TopicArn ${TopicArn}`;
  if (Message === undefined || Message === "") return "Invalid parameter: Empty message";
  if (Buffer.byteLength(Message, "utf8") > MAX_MESSAGE_BYTES) return "Invalid parameter: Message too long";
  if (Subject !== undefined && (Subject.length > MAX_SUBJECT_LENGTH || !/^[ -~]+$/.test(Subject))) {
    return "Invalid parameter: Subject";
  }
  if (MessageStructure !== undefined) {
    if (MessageStructure !== "json") return "Invalid parameter: MessageStructure";
    let texts: unknown;
    try {
      texts = JSON.parse(Message);
    } catch {
      return "Invalid parameter: Message Structure - JSON message body failed to parse";
    }
    if (typeof texts !== "object" || texts === null || Array.isArray(texts)) {
      return "Invalid parameter: Message Structure - JSON message body failed to parse";
    }
    if (typeof (texts as Record<string, unknown>).default !== "string") {
      return "Invalid parameter: Message Structure - No default entry in JSON message body";
    }
    if (Object.values(texts).some((text) => typeof text !== "string")) {
      return "Invalid parameter: Message Structure - values must be strings";
    }
  }
  const attributes = attributesOf(params);
  if (Object.keys(attributes).length > MAX_ATTRIBUTES) return "Invalid parameter: too many attributes";
  for (const [name, { dataType, value }] of Object.entries(attributes)) {
    if (dataType !== "String" || value === "") {
      return `Invalid parameter: The message attribute '${name}' must contain non-empty message attribute value for message attribute type 'String'.`;
    }
  }
  return undefined;
}
