import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorDetail,
} from "../../shared/contracts/operatorApi.ts";
import { PlantwatchError } from "../../shared/errors.ts";
import { OperatorApiError } from "./protocol/apiError.ts";

/** AWS error names that mean "try again later" rather than "this request is wrong". */
const UNAVAILABLE_NAMES = new Set([
  "ThrottlingException",
  "ProvisionedThroughputExceededException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalServerError",
  "InternalServerException",
  "TimeoutError",
  "RequestTimeout",
]);

export interface MappedError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: readonly ErrorDetail[];
  readonly allow?: readonly string[];
  /** A bug or an unknown failure: logged with its stack, reported without internals. */
  readonly unexpected: boolean;
}

/** The one place where errors become C7 codes; anything not recognised is `internal`, with no detail. */
export function mapError(error: unknown): MappedError {
  if (error instanceof OperatorApiError) {
    return {
      code: error.code,
      message: error.message,
      unexpected: false,
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(error.allow === undefined ? {} : { allow: error.allow }),
    };
  }
  if (error instanceof PlantwatchError) {
    switch (error.name) {
      case "ActionNotAllowedError":
        return { code: "action_not_allowed", message: error.message, unexpected: false };
      case "AlarmNotFoundError":
        return { code: "not_found", message: error.message, unexpected: false };
      case "ConcurrentUpdateError":
        return {
          code: "conflict",
          message: "the alarm kept changing under this request; try again",
          unexpected: false,
        };
    }
    if (error.retryable)
      return { code: "unavailable", message: "a store is busy; try again", unexpected: false };
  }
  if (isUnavailable(error)) {
    return {
      code: "unavailable",
      message: "a store or AWS service is unavailable; try again",
      unexpected: false,
    };
  }
  return {
    code: "internal",
    message: "internal error; the log has the details under the request id",
    unexpected: true,
  };
}

function isUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { name, $metadata, $retryable } = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  return (
    (name !== undefined && UNAVAILABLE_NAMES.has(name)) ||
    ($metadata?.httpStatusCode ?? 0) >= 500 ||
    ($retryable !== undefined && $metadata?.httpStatusCode !== undefined)
  );
}

export function errorResponse(
  mapped: MappedError,
  requestId: string | undefined,
): APIGatewayProxyStructuredResultV2 {
  const body: ErrorBody = {
    error: {
      code: mapped.code,
      message: mapped.message,
      ...(mapped.details === undefined ? {} : { details: mapped.details }),
      ...(requestId === undefined ? {} : { requestId }),
    },
  };
  return {
    statusCode: ERROR_STATUS[mapped.code],
    headers: {
      "content-type": "application/json",
      ...(mapped.allow === undefined ? {} : { allow: mapped.allow.join(", ") }),
    },
    body: JSON.stringify(body),
  };
}
