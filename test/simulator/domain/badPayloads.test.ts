import { describe, expect, it } from "vitest";
import { parseTelemetry } from "../../../shared/domain/ingest/parseTelemetry.ts";
import { QUARANTINE_REASONS } from "../../../shared/domain/ingest/quarantineReason.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../shared/domain/ingest/types.ts";
import { BAD_PAYLOADS } from "../../../simulator/domain/badPayloads.ts";

const TIME = Date.parse("2026-11-25T12:00:00.000Z");

describe("BAD_PAYLOADS", () => {
  it.each(BAD_PAYLOADS.map((bad) => [bad.name, bad] as const))(
    "%s is quarantined with its reasons",
    (_, bad) => {
      const parsed = parseTelemetry(
        { thingName: "sim-001", receivedAt: TIME, clientId: "sim-001", payload: bad.build(TIME) },
        DEFAULT_TELEMETRY_LIMITS,
        TIME,
      );

      expect(parsed.quarantined.map((entry) => entry.reason)).toEqual(bad.reasons);
      expect(parsed.samples).toHaveLength(bad.storedSamples);
    },
  );

  it("covers every reason a device's payload can cause", () => {
    const notFromPayloads = ["thing_name", "client_mismatch", "store_rejected", "payload_too_large"];

    const covered = new Set(BAD_PAYLOADS.flatMap((bad) => bad.reasons));

    expect([...covered].sort()).toEqual(
      QUARANTINE_REASONS.filter((reason) => !notFromPayloads.includes(reason)).sort(),
    );
  });

  it("has unique names and stays under IoT Core's 128 KB message limit", () => {
    expect(new Set(BAD_PAYLOADS.map((bad) => bad.name)).size).toBe(BAD_PAYLOADS.length);
    for (const bad of BAD_PAYLOADS) expect(bad.build(TIME).byteLength).toBeLessThan(128 * 1024);
  });
});
