import type { HeldMessage, RedriveStepRunner, ReplayQueue } from "../../ports/deadLetterQueue.ts";
import {
  type DeadLetter,
  type DeadLetterKind,
  describeBatch,
  StreamBatchExpiredError,
} from "./deadLetter.ts";
import { REPLAY_TO_FIELD, type RedriveStep, type ReplayPlan } from "./replayPlan.ts";

/** A received message with what it is and what replay will do with it. */
export interface PlannedMessage {
  readonly message: HeldMessage;
  readonly letter: DeadLetter;
  readonly plan: ReplayPlan;
}

/** `expired`: a stream batch whose records the stream no longer holds; the message stays. */
export type ReplayStatus = "replayed" | "removed" | "kept" | "failed" | "expired";

export interface ReplayOutcome {
  readonly messageId: string;
  readonly kind: DeadLetterKind;
  readonly status: ReplayStatus;
  readonly detail: string;
  /** Whether the message is still in the queue. */
  readonly stays: boolean;
  /** The failure was a refusal of access or credentials (the run exits 2, not 1). */
  readonly accessDenied?: boolean;
}

/** Error names that say the caller may not do this, rather than that this message failed. */
const ACCESS_ERRORS = new Set([
  "AccessDeniedException",
  "AccessDenied",
  "UnrecognizedClientException",
  "InvalidSignatureException",
  "ExpiredTokenException",
  "CredentialsProviderError",
  "KMSAccessDeniedException",
]);

/** Errors whose message says it all; others are shown with their name (the service's error code). */
const PLAIN_ERRORS = new Set(["Error", "RedriveRefusedError", "StreamBatchExpiredError"]);

/**
 * Carries out each plan in turn: a message is deleted only after every re-drive step was accepted, so
 * a failure leaves it in the queue for the next replay (re-running steps that had succeeded is safe:
 * ingest and evaluate ignore a sample they have seen, and alarm events de-duplicate by their key).
 */
export async function replayDeadLetters(
  planned: readonly PlannedMessage[],
  queue: ReplayQueue,
  runStep: RedriveStepRunner,
): Promise<ReplayOutcome[]> {
  const outcomes: ReplayOutcome[] = [];
  for (const { message, letter, plan } of planned) {
    const outcome = { messageId: letter.messageId, kind: letter.kind };
    if (plan.action === "keep") {
      outcomes.push({ ...outcome, status: "kept", detail: plan.reason, stays: true });
      continue;
    }
    if (plan.action === "redrive") {
      const failure = await runSteps(plan.steps, runStep);
      if (failure !== undefined) {
        const { expired, ...reported } = failure;
        outcomes.push({ ...outcome, status: expired ? "expired" : "failed", stays: true, ...reported });
        continue;
      }
    }
    try {
      await queue.delete(message);
    } catch (error) {
      const done = plan.action === "redrive" ? "re-driven, but " : "";
      outcomes.push({
        ...outcome,
        status: "failed",
        stays: true,
        detail: `${done}not deleted: ${describeError(error)} (a later replay sends it again)`,
        accessDenied: isAccessError(error),
      });
      continue;
    }
    outcomes.push(
      plan.action === "redrive"
        ? { ...outcome, status: "replayed", stays: false, detail: plan.steps.map(describeStep).join("; ") }
        : { ...outcome, status: "removed", stays: false, detail: plan.reason },
    );
  }
  return outcomes;
}

async function runSteps(
  steps: readonly RedriveStep[],
  runStep: RedriveStepRunner,
): Promise<{ detail: string; accessDenied: boolean; expired: boolean } | undefined> {
  for (const [index, step] of steps.entries()) {
    try {
      await runStep(step);
    } catch (error) {
      const before = index === 0 ? "" : ` (after ${index} of ${steps.length} step(s) succeeded)`;
      return {
        detail: `${describeStep(step)} failed: ${describeError(error)}${before}`,
        accessDenied: isAccessError(error),
        expired: error instanceof StreamBatchExpiredError,
      };
    }
  }
  return undefined;
}

/** "invoke <function> (async)", "read ... of <stream>, invoke <function> (async)" or "put <detail-type> event for rule <name>". */
export function describeStep(step: RedriveStep): string {
  if (step.kind === "invoke") return `invoke ${step.functionName} (async)`;
  if (step.kind === "invoke-stream-batch") {
    return `read ${describeBatch(step.batch)} from ${step.batch.streamArn}, invoke ${step.functionName} (async)`;
  }
  const rule = step.detail[REPLAY_TO_FIELD];
  return `put "${step.detailType}" event ${rule === undefined ? "for every rule" : `for rule ${String(rule)}`}`;
}

function describeError(error: unknown): string {
  const { name, message } = error as Error;
  return PLAIN_ERRORS.has(name) ? message : `${name}: ${message}`;
}

/** Also through a cause: a stream batch's later invocation wraps the error that refused it. */
function isAccessError(error: unknown): boolean {
  const { name, cause } = error as Error;
  return ACCESS_ERRORS.has(name) || (cause !== undefined && isAccessError(cause));
}
