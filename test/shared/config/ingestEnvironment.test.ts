import { describe, expect, it } from "vitest";
import { readIngestEnvironment } from "../../../shared/config/ingestEnvironment.ts";

const complete = {
  TIMESTREAM_DATABASE: "plantwatch_dev",
  TIMESTREAM_TABLE: "telemetry",
  REGISTRY_TABLE: "plantwatch-dev-registry",
  QUARANTINE_BUCKET: "plantwatch-dev-quarantine",
  CLOCK_SKEW_MS: "300000",
  MAX_SAMPLE_AGE_MS: "31622400000",
  LAST_SEEN_INTERVAL_MS: "300000",
  REGISTRY_CACHE_TTL_MS: "60000",
};

describe("readIngestEnvironment", () => {
  it("reads a complete environment, numbers as numbers", () => {
    expect(readIngestEnvironment(complete)).toMatchObject({
      CLOCK_SKEW_MS: 300_000,
      TIMESTREAM_TABLE: "telemetry",
    });
  });

  it.each([
    ["a missing variable", { REGISTRY_TABLE: undefined }, "REGISTRY_TABLE"],
    ["a fractional number", { CLOCK_SKEW_MS: "1.5" }, "CLOCK_SKEW_MS"],
    ["a negative number", { LAST_SEEN_INTERVAL_MS: "-1" }, "LAST_SEEN_INTERVAL_MS"],
    ["a word for a number", { MAX_SAMPLE_AGE_MS: "a year" }, "MAX_SAMPLE_AGE_MS"],
  ])("refuses %s, naming the variable", (_, change, variable) => {
    expect(() => readIngestEnvironment({ ...complete, ...change })).toThrow(
      new RegExp(`invalid: .*${variable}`),
    );
  });
});
