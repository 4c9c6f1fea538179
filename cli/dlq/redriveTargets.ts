import { type EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, type LambdaClient } from "@aws-sdk/client-lambda";
import { PlantwatchError } from "../../shared/errors.ts";
import type { RedriveStep } from "./replayPlan.ts";

/** A re-drive call that the service answered, but not with success. */
export class RedriveRefusedError extends PlantwatchError {
  constructor(message: string) {
    super(message);
    this.name = "RedriveRefusedError";
  }
}

/** Performs one re-drive step; resolves only when the service accepted it. */
export type RedriveStepRunner = (step: RedriveStep) => Promise<void>;

/**
 * Re-drive through Lambda (asynchronous Invoke, accepted = 202) and EventBridge (PutEvents with
 * FailedEntryCount 0). `eventBusName` is needed only for plans that put events.
 */
export function awsRedrive(clients: {
  readonly lambda: LambdaClient;
  readonly eventBridge: EventBridgeClient;
  readonly eventBusName?: string;
}): RedriveStepRunner {
  return async (step) => {
    if (step.kind === "invoke") {
      const { StatusCode } = await clients.lambda.send(
        new InvokeCommand({
          FunctionName: step.functionName,
          InvocationType: "Event",
          Payload: Buffer.from(JSON.stringify(step.payload)),
        }),
      );
      if (StatusCode !== 202) {
        throw new RedriveRefusedError(`Invoke ${step.functionName} answered ${StatusCode}, not 202`);
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
