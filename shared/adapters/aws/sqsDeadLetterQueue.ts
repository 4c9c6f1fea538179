import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { HeldMessage, ReplayQueue } from "../../ports/deadLetterQueue.ts";

/** SQS's limits: at most 10 messages per ReceiveMessage and 10 entries per batch call. */
const RECEIVE_BATCH = 10;
const CHANGE_BATCH = 10;
/**
 * Long polling (any value above 0) asks every SQS server; a short poll samples only some and can
 * answer "empty" while messages wait. One second bounds the wait at the end of the queue.
 */
const WAIT_SECONDS = 1;

/** The dead-letter queue as `plantwatch dlq` uses it: receive (SQS has no peek), delete, release. */
export class SqsDeadLetterQueue implements ReplayQueue {
  readonly queueUrl: string;
  readonly #client: SQSClient;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.queueUrl = queueUrl;
  }

  /**
   * Receives up to `max` messages, each hidden from other consumers for `visibilitySeconds`; stops
   * early when a receive returns none. A message received twice (its visibility ran out) counts once.
   */
  async receive(max: number, visibilitySeconds: number): Promise<HeldMessage[]> {
    const held = new Map<string, HeldMessage>();
    while (held.size < max) {
      const { Messages = [] } = await this.#client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.queueUrl,
          MaxNumberOfMessages: Math.min(RECEIVE_BATCH, max - held.size),
          VisibilityTimeout: visibilitySeconds,
          WaitTimeSeconds: WAIT_SECONDS,
          MessageSystemAttributeNames: ["All"],
          MessageAttributeNames: ["All"],
        }),
      );
      if (Messages.length === 0) break;
      for (const message of Messages) {
        const received = toHeldMessage(message);
        if (received !== undefined) held.set(received.messageId, received);
      }
    }
    return [...held.values()];
  }

  async delete(message: HeldMessage): Promise<void> {
    await this.#client.send(
      new DeleteMessageCommand({ QueueUrl: this.queueUrl, ReceiptHandle: message.receiptHandle }),
    );
  }

  /**
   * Makes messages visible again at once (visibility 0). Returns the ids SQS refused, which become
   * visible anyway when their visibility timeout ends.
   */
  async release(messages: readonly HeldMessage[]): Promise<string[]> {
    const refused: string[] = [];
    for (let start = 0; start < messages.length; start += CHANGE_BATCH) {
      const batch = messages.slice(start, start + CHANGE_BATCH);
      const { Failed = [] } = await this.#client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.receiptHandle,
            VisibilityTimeout: 0,
          })),
        }),
      );
      for (const failure of Failed) {
        const message = batch[Number(failure.Id)];
        refused.push(message?.messageId ?? `entry ${failure.Id}`);
      }
    }
    return refused;
  }
}

function toHeldMessage(message: Message): HeldMessage | undefined {
  if (message.MessageId === undefined || message.ReceiptHandle === undefined) return undefined;
  const messageAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (value.StringValue !== undefined) messageAttributes[name] = value.StringValue;
  }
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.Attributes ?? {})) {
    if (value !== undefined) attributes[name] = value;
  }
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? "",
    attributes,
    messageAttributes,
  };
}
