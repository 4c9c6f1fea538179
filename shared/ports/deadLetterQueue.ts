import type { ReceivedMessage } from "../domain/deadLetters/deadLetter.ts";
import type { RedriveStep } from "../domain/deadLetters/replayPlan.ts";

/** A received message and the handle that deletes it or makes it visible again. */
export interface HeldMessage extends ReceivedMessage {
  readonly receiptHandle: string;
}

/** What the queue must do for a replay; the SQS adapter, or a test's. */
export interface ReplayQueue {
  delete(message: HeldMessage): Promise<void>;
}

/** Performs one re-drive step; resolves only when the service accepted it. */
export type RedriveStepRunner = (step: RedriveStep) => Promise<void>;
