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
