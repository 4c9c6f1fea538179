import type { AlarmEventDetail } from "../domain/alarms/alarmEvent.ts";

export interface PublishFailure {
  readonly detail: AlarmEventDetail;
  /** For the log: e.g. `ThrottlingException: Rate exceeded` or `invalid detail: state.reason: ...`. */
  readonly reason: string;
  /**
   * False when sending the same detail again cannot succeed (it is invalid, too large, or was refused
   * as malformed): a programming error to report, not something for the outbox to retry for ever.
   */
  readonly resendable: boolean;
}

export interface PublishResult {
  /** Events not published after retries, in the order given; resendable ones stay in the outbox. */
  readonly failures: readonly PublishFailure[];
  readonly retries: number;
}

export interface EventPublisher {
  publish(
    details: readonly AlarmEventDetail[],
    options: { readonly deadline: number },
  ): Promise<PublishResult>;
}
