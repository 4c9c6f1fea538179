import type { AlarmEventDetail } from "../domain/alarms/alarmEvent.ts";

export interface PublishResult {
  /** Events that could not be published after retries; they stay in the outbox for the sweep. */
  readonly failed: readonly AlarmEventDetail[];
  readonly retries: number;
}

export interface EventPublisher {
  publish(
    details: readonly AlarmEventDetail[],
    options: { readonly deadline: number },
  ): Promise<PublishResult>;
}
