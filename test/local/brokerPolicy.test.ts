import { describe, expect, it } from "vitest";
import { authorizeConnect, authorizePublish, authorizeSubscribe } from "../../local/brokerPolicy.ts";
import { telemetryRuleName } from "../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../shared/contracts/telemetryTopic.ts";

const scope = { topic: telemetryTopic(), telemetryRuleName: telemetryRuleName("plantwatch-local") };

describe("authorizeConnect", () => {
  it("accepts a thing name as client id on the plain listener", () => {
    expect(authorizeConnect({ listener: "plain" }, "oven-3")).toEqual({ allowed: true });
  });

  it("accepts a client id equal to the certificate's CN on the mutual-TLS listener", () => {
    expect(authorizeConnect({ listener: "mtls", certificateCn: "oven-3" }, "oven-3")).toEqual({
      allowed: true,
    });
  });

  it("refuses a client id that differs from the certificate's CN", () => {
    const decision = authorizeConnect({ listener: "mtls", certificateCn: "oven-3" }, "oven-4");
    expect(decision).toEqual({
      allowed: false,
      reason: 'client id "oven-4" differs from the certificate\'s CN "oven-3"',
    });
  });

  it("refuses a certificate without a CN", () => {
    expect(authorizeConnect({ listener: "mtls", certificateCn: undefined }, "oven-3").allowed).toBe(false);
  });

  it.each(["", "oven 3", "oven/3", "x".repeat(129)])("refuses %j, which is no thing name", (clientId) => {
    expect(authorizeConnect({ listener: "plain" }, clientId).allowed).toBe(false);
  });
});

describe("authorizePublish", () => {
  it("allows a thing its own telemetry topic and its Basic Ingest twin", () => {
    expect(authorizePublish(scope, "oven-3", "dt/plantwatch/oven-3/telemetry").allowed).toBe(true);
    expect(
      authorizePublish(
        scope,
        "oven-3",
        "$aws/rules/plantwatch_local_telemetry/dt/plantwatch/oven-3/telemetry",
      ).allowed,
    ).toBe(true);
  });

  it.each([
    "dt/plantwatch/oven-4/telemetry",
    "$aws/rules/plantwatch_local_telemetry/dt/plantwatch/oven-4/telemetry",
    "$aws/rules/other_rule/dt/plantwatch/oven-3/telemetry",
    "$aws/events/presence/connected/oven-3",
    "dt/plantwatch/oven-3/commands",
    "dt/plantwatch/oven-3/telemetry/extra",
  ])("refuses oven-3 publishing to %s", (topic) => {
    expect(authorizePublish(scope, "oven-3", topic)).toEqual({
      allowed: false,
      reason: `"oven-3" may not publish to ${topic}`,
    });
  });
});

describe("authorizeSubscribe", () => {
  it("lets developers watch on the plain listener", () => {
    expect(authorizeSubscribe({ listener: "plain" }, "dt/#").allowed).toBe(true);
  });

  it("grants devices on the mutual-TLS listener no subscriptions, as the device policy", () => {
    expect(
      authorizeSubscribe({ listener: "mtls", certificateCn: "oven-3" }, "dt/plantwatch/oven-3/#").allowed,
    ).toBe(false);
  });
});
