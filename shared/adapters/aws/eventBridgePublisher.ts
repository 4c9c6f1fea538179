import {
  EventBridgeClient,
  type EventBridgeClientConfig,
  PutEventsCommand,
  type PutEventsCommandOutput,
  type PutEventsRequestEntry,
} from "@aws-sdk/client-eventbridge";
import { eachUntilFailure } from "../../concurrency.ts";
import { checkAlarmEventDetail, checkAlarmReminderDetail } from "../../contracts/alarmEvent.ts";
import {
  ALARM_EVENT_DETAIL_TYPE,
  ALARM_EVENT_SOURCE,
  ALARM_REMINDER_DETAIL_TYPE,
  type AlarmEventDetail,
  isReminder,
} from "../../domain/alarms/alarmEvent.ts";
import type { EventPublisher, PublishFailure, PublishResult } from "../../ports/eventPublisher.ts";
import type { ClientOrConfig } from "./clientOrConfig.ts";
import {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  isTransient,
  isTransientErrorName,
  nowOf,
  requestSignal,
  waitForRetry,
} from "./retry.ts";

export type EventBridgePublisherOptions = {
  readonly eventBusName: string;
  /** Parallel PutEvents requests per round. */
  readonly maxConcurrentRequests?: number;
  readonly backoff?: BackoffOptions;
} & ClientOrConfig<EventBridgeClient, EventBridgeClientConfig>;

/** PutEvents quotas: entries per request, and their total size as EventBridge counts it. */
export const MAX_ENTRIES_PER_REQUEST = 10;
export const MAX_REQUEST_BYTES = 256 * 1024;

interface Pending {
  readonly index: number;
  readonly detail: AlarmEventDetail;
  readonly entry: PutEventsRequestEntry;
  readonly size: number;
  /** Why the last attempt failed, reported if no further attempt is made. */
  reason?: string;
}

interface Round {
  readonly retry: Pending[];
  readonly failed: (PublishFailure & { index: number })[];
  requests: number;
}

/**
 * The event publisher on Amazon EventBridge: C5 alarm events, each checked against the published
 * schema first, sent with PutEvents (≤ 10 entries and ≤ 256 KB per request). Entries that fail, and
 * requests that are throttled or fail with a 5xx, are retried with jittered backoff until the caller's
 * deadline; the SDK's own retries are off so that every retry is counted and none outlives the
 * invocation. What is left at the deadline is returned, never thrown: the caller keeps it in its outbox.
 * Only a request error that retrying cannot fix (e.g. AccessDenied) is thrown; the caller then keeps
 * every event, some of which may have been published (consumers de-duplicate on `alarmEventKey`).
 */
export class EventBridgePublisher implements EventPublisher {
  readonly #client: EventBridgeClient;
  readonly #eventBusName: string;
  readonly #maxConcurrentRequests: number;
  readonly #backoff: BackoffOptions;

  constructor(options: EventBridgePublisherOptions) {
    this.#client = options.client ?? new EventBridgeClient({ maxAttempts: 1, ...options.clientConfig });
    this.#eventBusName = options.eventBusName;
    this.#maxConcurrentRequests = Math.max(1, options.maxConcurrentRequests ?? 4);
    this.#backoff = options.backoff ?? DEFAULT_BACKOFF;
  }

  async publish(
    details: readonly AlarmEventDetail[],
    options: { readonly deadline: number },
  ): Promise<PublishResult> {
    const failures: (PublishFailure & { index: number })[] = [];
    let pending: Pending[] = [];
    details.forEach((detail, index) => {
      const prepared = this.#prepare(detail, index);
      if ("resendable" in prepared) failures.push(prepared);
      else pending.push(prepared);
    });
    let retries = 0;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0 && !(await waitForRetry(attempt - 1, options.deadline, this.#backoff))) break;
      const round = await this.#sendRound(pending, options.deadline);
      if (attempt > 0) retries += round.requests;
      failures.push(...round.failed);
      pending = round.retry;
    }
    for (const left of pending) {
      failures.push({
        index: left.index,
        detail: left.detail,
        reason: left.reason ?? "not sent",
        resendable: true,
      });
    }
    failures.sort((a, b) => a.index - b.index);
    return {
      failures: failures.map(({ detail, reason, resendable }) => ({ detail, reason, resendable })),
      retries,
    };
  }

  #prepare(detail: AlarmEventDetail, index: number): Pending | (PublishFailure & { index: number }) {
    const reminder = isReminder(detail);
    const checked = reminder ? checkAlarmReminderDetail(detail) : checkAlarmEventDetail(detail);
    if (!checked.ok) {
      return { index, detail, reason: `invalid detail: ${checked.problems}`, resendable: false };
    }
    const entry: PutEventsRequestEntry = {
      EventBusName: this.#eventBusName,
      Source: ALARM_EVENT_SOURCE,
      DetailType: reminder ? ALARM_REMINDER_DETAIL_TYPE : ALARM_EVENT_DETAIL_TYPE,
      // The checked copy: only what the contract defines leaves the process.
      Detail: JSON.stringify(checked.detail),
      Time: new Date(checked.detail.state.timestamp),
      Resources: [],
    };
    const size = entrySize(entry);
    if (size > MAX_REQUEST_BYTES) {
      return {
        index,
        detail,
        reason: `detail too large: the entry is ${size} bytes, EventBridge accepts at most ${MAX_REQUEST_BYTES}`,
        resendable: false,
      };
    }
    return { index, detail, entry, size };
  }

  /** Sends every pending entry once; a request starts only before the deadline. */
  async #sendRound(pending: readonly Pending[], deadline: number): Promise<Round> {
    const round: Round = { retry: [], failed: [], requests: 0 };
    // After a fatal error no new request starts, and the round ends only once none is in flight.
    await eachUntilFailure(toBatches(pending), this.#maxConcurrentRequests, async (batch) => {
      if (nowOf(this.#backoff) >= deadline) {
        round.retry.push(
          ...batch.map((item) => ({ ...item, reason: item.reason ?? "deadline reached before sending" })),
        );
        return;
      }
      round.requests++;
      await this.#send(batch, deadline, round);
    });
    return round;
  }

  async #send(batch: readonly Pending[], deadline: number, round: Round): Promise<void> {
    const timeout = requestSignal(deadline, this.#backoff);
    let output: PutEventsCommandOutput;
    try {
      output = await this.#client.send(new PutEventsCommand({ Entries: batch.map((item) => item.entry) }), {
        abortSignal: timeout,
      });
    } catch (error) {
      if (timeout.aborted) {
        // Perhaps published after all: consumers de-duplicate a re-send by alarmEventKey.
        for (const item of batch) {
          round.failed.push({
            index: item.index,
            detail: item.detail,
            reason: "no answer from EventBridge before the deadline",
            resendable: true,
          });
        }
        return;
      }
      if (!isTransient(error)) throw error;
      const reason = `${(error as Error).name}: ${(error as Error).message}`;
      round.retry.push(...batch.map((item) => ({ ...item, reason })));
      return;
    }
    batch.forEach((item, index) => {
      const result = output.Entries?.[index];
      if (result?.ErrorCode) {
        const reason = `${result.ErrorCode}: ${result.ErrorMessage ?? "refused by EventBridge"}`;
        if (isTransientErrorName(result.ErrorCode)) round.retry.push({ ...item, reason });
        else
          round.failed.push({
            index: item.index,
            detail: item.detail,
            reason,
            resendable: !isMalformed(result.ErrorCode),
          });
      } else if (result?.EventId === undefined && (output.FailedEntryCount ?? 0) > 0) {
        // A failed request that does not say which entries failed: count this one among them.
        round.retry.push({ ...item, reason: "EventBridge reported failed entries without naming this one" });
      }
    });
  }
}

/** Entry size as EventBridge counts it against the request limit (Time is 14 bytes). */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (text: string | undefined) => Buffer.byteLength(text ?? "", "utf8");
  return (
    (entry.Time ? 14 : 0) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    (entry.Resources ?? []).reduce((sum, resource) => sum + bytes(resource), 0)
  );
}

/** Consecutive runs of at most 10 entries and 256 KB. */
function toBatches(pending: readonly Pending[]): Pending[][] {
  const batches: Pending[][] = [];
  let current: Pending[] = [];
  let bytes = 0;
  for (const item of pending) {
    if (current.length === MAX_ENTRIES_PER_REQUEST || bytes + item.size > MAX_REQUEST_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += item.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function isMalformed(errorCode: string): boolean {
  return errorCode === "MalformedDetail" || errorCode === "InvalidArgument";
}
