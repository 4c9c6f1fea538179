import { describe, expect, it } from "vitest";
import {
  backoffDelay,
  isTransient,
  isTransientErrorName,
  waitForRetry,
} from "../../../../shared/adapters/aws/retry.ts";
import { type ManualClock, manualClock } from "../../../support/testClock.ts";

describe("backoffDelay", () => {
  it("doubles the ceiling with every attempt up to maxDelayMs and draws below it", () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 };

    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, options));

    expect(delays).toEqual([50, 100, 200, 400, 500, 500]);
  });

  it("can draw no delay at all (full jitter)", () => {
    expect(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0 })).toBe(0);
  });
});

describe("waitForRetry", () => {
  const options = (clock: ManualClock) => ({
    baseDelayMs: 100,
    maxDelayMs: 1_000,
    random: () => 0.5,
    ...clock,
  });

  it("sleeps the backoff delay and allows the retry when it ends before the deadline", async () => {
    const clock = manualClock(10_000);

    await expect(waitForRetry(2, 10_201, options(clock))).resolves.toBe(true);
    expect(clock.sleeps).toEqual([200]);
  });

  it("refuses the retry without sleeping when the delay would reach the deadline", async () => {
    const clock = manualClock(10_000);

    await expect(waitForRetry(2, 10_200, options(clock))).resolves.toBe(false);
    expect(clock.sleeps).toEqual([]);
  });
});

describe("isTransient", () => {
  it.each([
    [{ name: "ThrottlingException", $metadata: { httpStatusCode: 400 } }, true],
    [{ name: "InternalServerException", $metadata: { httpStatusCode: 500 } }, true],
    [{ name: "Whatever", $metadata: { httpStatusCode: 502 } }, true],
    [{ name: "Whatever", $metadata: { httpStatusCode: 429 } }, true],
    [{ name: "Error", code: "ETIMEDOUT" }, true],
    [{ name: "Whatever", $retryable: { throttling: true } }, true],
    // Throttles some services answer with a 4xx (SNS's topic and KMS throttles, DynamoDB capacity).
    [{ name: "ThrottledException", $metadata: { httpStatusCode: 400 } }, true],
    [{ name: "KMSThrottlingException", $metadata: { httpStatusCode: 400 } }, true],
    [{ name: "ProvisionedThroughputExceededException", $metadata: { httpStatusCode: 400 } }, true],
    [{ name: "RequestLimitExceeded", $metadata: { httpStatusCode: 400 } }, true],
    // Secrets Manager's 5xx name, and an error with no answer at all.
    [{ name: "InternalServiceError" }, true],
    [{ name: "TimeoutError" }, true],
    [{ name: "Error", code: "ECONNREFUSED" }, true],
    [{ name: "ValidationException", $metadata: { httpStatusCode: 400 } }, false],
    [{ name: "AccessDeniedException", $metadata: { httpStatusCode: 403 } }, false],
    [{ name: "RejectedRecordsException", $metadata: { httpStatusCode: 419 } }, false],
    [new Error("plain"), false],
    [undefined, false],
    [null, false],
    ["ThrottlingException", false],
  ])("classifies %o as transient: %s", (error, expected) => {
    expect(isTransient(error)).toBe(expected);
  });
});

describe("isTransientErrorName", () => {
  // PutEvents' per-entry codes, as the EventBridge API reference sorts them (PutEventsResultEntry).
  it.each(["InternalFailure", "ThrottlingException"])("retries the entry code %s", (code) => {
    expect(isTransientErrorName(code)).toBe(true);
  });

  it.each([
    "AccessDeniedException",
    "InvalidAccountIdException",
    "InvalidArgument",
    "MalformedDetail",
    "RedactionFailure",
    "NotAuthorizedForSourceException",
    "NotAuthorizedForDetailTypeException",
  ])("does not retry the entry code %s", (code) => {
    expect(isTransientErrorName(code)).toBe(false);
  });
});
