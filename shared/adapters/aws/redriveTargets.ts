import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import type { KinesisClient } from "@aws-sdk/client-kinesis";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import {
  ASYNC_PAYLOAD_LIMIT_BYTES,
  kinesisReplayEvents,
  payloadBytes,
} from "../../domain/deadLetters/kinesisReplayEvents.ts";
import { PlantwatchError } from "../../errors.ts";
import type { RedriveStepRunner } from "../../ports/deadLetterQueue.ts";
import { readStreamBatch } from "./streamBatchRecords.ts";

/** A re-drive call that the service answered, but not with success. */
export class RedriveRefusedError extends PlantwatchError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "RedriveRefusedError";
  }
}

/**
 * Re-drive through Lambda (asynchronous Invoke, accepted = 202), Kinesis (a discarded batch's
 * records read back, then invoked) and EventBridge (PutEvents with FailedEntryCount 0).
 * `eventBusName` is needed only for plans that put events.
 */
export function awsRedrive(clients: {
  readonly lambda: LambdaClient;
  readonly kinesis: KinesisClient;
  readonly eventBridge: EventBridgeClient;
  readonly eventBusName?: string;
}): RedriveStepRunner {
  const invoke = async (functionName: string, payload: unknown) => {
    const { StatusCode } = await clients.lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: "Event",
        Payload: Buffer.from(JSON.stringify(payload)),
      }),
    );
    if (StatusCode !== 202) {
      throw new RedriveRefusedError(`Invoke ${functionName} answered ${StatusCode}, not 202`);
    }
  };
  return async (step) => {
    if (step.kind === "invoke") return invoke(step.functionName, step.payload);
    if (step.kind === "invoke-stream-batch") {
      const records = await readStreamBatch(clients.kinesis, step.batch);
      const events = kinesisReplayEvents(records, { functionArn: step.functionName, batch: step.batch });
      const tooLarge = events.find((event) => payloadBytes(event) > ASYNC_PAYLOAD_LIMIT_BYTES);
      if (tooLarge !== undefined) {
        throw new RedriveRefusedError(
          `record ${tooLarge.Records[0]?.kinesis.sequenceNumber} alone makes a ${payloadBytes(tooLarge)}-byte event, over Lambda's ${ASYNC_PAYLOAD_LIMIT_BYTES}-byte asynchronous payload limit`,
        );
      }
      // In order, each accepted before the next; a later failure leaves the message for a replay
      // that sends them all again (ingest and evaluate ignore what they have seen).
      for (const [index, event] of events.entries()) {
        try {
          await invoke(step.functionName, event);
        } catch (error) {
          if (index === 0) throw error;
          const { name, message } = error as Error;
          const reason = name === "RedriveRefusedError" ? message : `${name}: ${message}`;
          throw new RedriveRefusedError(
            `${reason} (invocation ${index + 1} of ${events.length}; ${index} accepted)`,
            { cause: error },
          );
        }
      }
      return;
    }
    const { eventBusName } = clients;
    if (eventBusName === undefined) throw new RedriveRefusedError("no event bus to put the event on");
    const { FailedEntryCount, Entries } = await clients.eventBridge.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: eventBusName,
            Source: step.source,
            DetailType: step.detailType,
            Detail: JSON.stringify(step.detail),
            Resources: [...step.resources],
          },
        ],
      }),
    );
    if (FailedEntryCount !== 0) {
      const entry = Entries?.[0];
      throw new RedriveRefusedError(
        `PutEvents to ${eventBusName} failed: ${entry?.ErrorCode ?? "?"}: ${entry?.ErrorMessage ?? "no message"}`,
      );
    }
  };
}
