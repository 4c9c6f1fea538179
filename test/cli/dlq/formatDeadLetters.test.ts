import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatDeadLetterJson,
  formatDeadLetterTable,
  shortTarget,
} from "../../../cli/dlq/formatDeadLetters.ts";
import { classifyDeadLetter } from "../../../shared/domain/deadLetters/deadLetter.ts";
import {
  handWritten,
  INGEST_ARN,
  lambdaFailure,
  received,
} from "../../shared/domain/deadLetters/fixtures.ts";

describe("formatAge", () => {
  it.each([
    [-5_000, "0s"],
    [59_999, "59s"],
    [60_000, "1m"],
    [3_599_999, "59m"],
    [3_600_000, "1h 0m"],
    [(23 * 60 + 59) * 60_000, "23h 59m"],
    [86_400_000, "1d 0h"],
    [(14 * 24 + 3) * 3_600_000, "14d 3h"],
  ])("%d ms -> %s", (milliseconds, expected) => {
    expect(formatAge(milliseconds)).toBe(expected);
  });
});

describe("shortTarget", () => {
  it.each([
    [INGEST_ARN, "function:plantwatch-dev-Ingest"],
    [`${INGEST_ARN}:$LATEST`, "function:plantwatch-dev-Ingest:$LATEST"],
    ["arn:aws:events:eu-west-1:123456789012:api-destination/teams/1234", "api-destination/teams/1234"],
    [`${INGEST_ARN}, plantwatch-dev-Evaluate`, "function:plantwatch-dev-Ingest, plantwatch-dev-Evaluate"],
    ["-", "-"],
  ])("%s -> %s", (target, expected) => {
    expect(shortTarget(target)).toBe(expected);
  });
});

describe("formatDeadLetterTable", () => {
  it("shows ? for an age or receive count SQS did not return, and keeps each message on one line", () => {
    const letter = classifyDeadLetter({
      ...received({ body: JSON.stringify({ note: "line one\nline two" }), messageAttributes: {} }),
      attributes: {},
    });

    const [, row] = formatDeadLetterTable([letter], 0).trimEnd().split("\n");

    expect(row).toMatch(
      /^5fea7756-0ea4-451a-a703-a558b933e274\s+\?\s+unknown\s+-\s+JSON that is neither .*\s+\?$/,
    );
  });

  it("shortens a long error to the column width with an ellipsis", () => {
    const table = formatDeadLetterTable([classifyDeadLetter(received(lambdaFailure))], 1_764_072_191_000);

    const error = /RetriesExhausted.*…/.exec(table)?.[0] ?? "";
    expect(error).toHaveLength(70);
  });
});

describe("formatDeadLetterJson", () => {
  it("writes sentAt as ISO time with the age in seconds, and leaves both out when unknown", () => {
    const known = classifyDeadLetter(received(handWritten, { sentTimestamp: 1_000 }));
    const unknown = classifyDeadLetter({ ...received(handWritten), messageId: "m-2", attributes: {} });

    const entries = JSON.parse(formatDeadLetterJson([known, unknown], 61_999)) as Record<string, unknown>[];

    expect(entries[0]).toMatchObject({ sentAt: "1970-01-01T00:00:01.000Z", ageSeconds: 60, kind: "unknown" });
    expect(entries[1]).not.toHaveProperty("sentAt");
    expect(entries[1]).not.toHaveProperty("ageSeconds");
  });
});
