/**
 * Base of plantwatch's errors: a name, a cause, and whether trying again can help.
 * Each class sets its name literally: bundles are minified, so class names do not survive.
 */
export class PlantwatchError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PlantwatchError";
    this.retryable = options.retryable ?? false;
  }
}

/** Some samples could not be stored before the deadline; the whole batch must be delivered again. */
export class IngestIncompleteError extends PlantwatchError {
  readonly unwritten: number;

  constructor(unwritten: number, messages: number) {
    super(`${unwritten} sample(s) of ${messages} message(s) were not stored before the deadline; retrying`, {
      retryable: true,
    });
    this.name = "IngestIncompleteError";
    this.unwritten = unwritten;
  }
}

/** An operator action that the alarm's current state does not allow (e.g. acknowledging a NORMAL alarm). */
export class ActionNotAllowedError extends PlantwatchError {
  readonly alarmId: string;
  readonly state: string;
  readonly action: string;

  constructor(alarmId: string, action: string, state: string) {
    super(`${action} is not allowed for alarm ${alarmId} in state ${state}`);
    this.name = "ActionNotAllowedError";
    this.alarmId = alarmId;
    this.action = action;
    this.state = state;
  }
}

/** No alarm instance (or no rule) behind an alarm id. */
export class AlarmNotFoundError extends PlantwatchError {
  readonly alarmId: string;

  constructor(alarmId: string) {
    super(`alarm ${alarmId} does not exist`);
    this.name = "AlarmNotFoundError";
    this.alarmId = alarmId;
  }
}

/** Another writer kept winning the conditional write; the invocation is retried as a whole. */
/** Another consumer saved the shard's checkpoint since this one loaded it: the batch is retried from the checkpoint. */
export class ShardCheckpointTakenError extends PlantwatchError {
  constructor(shardId: string) {
    super(
      `the checkpoint of ${shardId} was saved by another consumer; the batch is evaluated again from it`,
      {
        retryable: true,
      },
    );
    this.name = "ShardCheckpointTakenError";
  }
}

export class ConcurrentUpdateError extends PlantwatchError {
  constructor(thingName: string, attempts: number) {
    super(`alarm state of ${thingName} changed under ${attempts} consecutive attempts; retrying later`, {
      retryable: true,
    });
    this.name = "ConcurrentUpdateError";
  }
}
