import { PlantwatchError } from "../../errors.ts";

/**
 * The deployment points at the wrong place or holds the wrong token (401, 403, 404, an unknown
 * database): no retry within the invocation helps, and no sample is to blame. Thrown, so that the
 * invocation fails loudly and its messages are retried and then dead-lettered, never lost.
 */
export class InfluxConfigurationError extends PlantwatchError {
  readonly status: number;
  /** InfluxDB's own message (never contains the token). */
  readonly detail: string;

  constructor(operation: "write" | "query", status: number, detail: string) {
    super(
      `InfluxDB ${operation} refused by configuration (HTTP ${status}): ${detail}; check the URL, bucket and token`,
    );
    this.name = "InfluxConfigurationError";
    this.status = status;
    this.detail = detail;
  }
}

/** InfluxDB answered a write with a status that is neither success, refusal of points, nor transient. */
export class InfluxWriteError extends PlantwatchError {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    super(`InfluxDB write failed with HTTP ${status}: ${detail}`);
    this.name = "InfluxWriteError";
    this.status = status;
    this.detail = detail;
  }
}

/** InfluxDB refused a telemetry query (its JSON `error`): a bug in the query text, or a metric mean() cannot average. */
export class InfluxQueryError extends PlantwatchError {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    super(`InfluxDB refused the telemetry query (HTTP ${status}): ${detail}`);
    this.name = "InfluxQueryError";
    this.status = status;
    this.detail = detail;
  }
}

/** Throttled, a server error, no connection or no answer in time: worth trying again later. */
export class InfluxUnavailableError extends PlantwatchError {
  /** The HTTP status, or 0 when there was no answer. */
  readonly status: number;

  constructor(operation: "write" | "query", status: number, detail: string, cause?: unknown) {
    super(`InfluxDB ${operation} unavailable${status === 0 ? "" : ` (HTTP ${status})`}: ${detail}`, {
      cause,
      retryable: true,
    });
    this.name = "InfluxUnavailableError";
    this.status = status;
  }
}
