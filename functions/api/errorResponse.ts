import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { isTransient } from "../../shared/adapters/aws/retry.ts";
import {
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  type ErrorDetail,
} from "../../shared/contracts/operatorApi.ts";
import { PlantwatchError } from "../../shared/errors.ts";
import { OperatorApiError } from "./protocol/apiError.ts";

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
  if (isTransient(error)) {
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
