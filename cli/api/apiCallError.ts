import type { ErrorDetail } from "../../shared/contracts/operatorApi.ts";
import { CliError, EXIT_CODES } from "../errors.ts";

/**
 * The operator API answered with an error. A 4xx is the user's input (exit 1), except the ones a
 * user cannot fix by changing the command: credentials and permissions (401, 403), throttling
 * (429) and timeouts (408) exit 2 like a 5xx.
 */
export class ApiCallError extends CliError {
  readonly status: number;
  /** The C7 error code, or `http_<status>` when the body is not a C7 error (API Gateway's own). */
  readonly code: string;
  /** The server's message alone (the error's `message` adds the code, the details and a hint). */
  readonly apiMessage: string;
  readonly details: readonly ErrorDetail[];
  readonly requestId?: string;

  constructor(error: {
    readonly status: number;
    readonly code: string;
    readonly message: string;
    readonly details?: readonly ErrorDetail[];
    readonly requestId?: string;
  }) {
    const details = (error.details ?? []).map((detail) => `\n  ${detail.path}: ${detail.message}`).join("");
    super(`${error.code}: ${error.message}${details}${hintFor(error.status)}`, exitCodeFor(error.status));
    this.name = "ApiCallError";
    this.status = error.status;
    this.code = error.code;
    this.apiMessage = error.message;
    this.details = error.details ?? [];
    if (error.requestId !== undefined) this.requestId = error.requestId;
  }
}

/** No answer: the API could not be reached, or did not answer in time. Always exit 2. */
export class OperatorApiUnreachableError extends CliError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, EXIT_CODES.runtime, options);
    this.name = "OperatorApiUnreachableError";
  }
}

const NOT_THE_INPUT = new Set([401, 403, 408, 429]);

function exitCodeFor(status: number): number {
  return status >= 400 && status < 500 && !NOT_THE_INPUT.has(status) ? EXIT_CODES.usage : EXIT_CODES.runtime;
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) {
    return " (check the AWS credentials (--profile) and that they allow execute-api:Invoke on the API)";
  }
  return "";
}
