import { describe, expect, it } from "vitest";
import { telemetryRuleName, telemetryRuleSql } from "../../../shared/contracts/telemetryRule.ts";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";

describe("telemetry rule", () => {
  it("selects the encoded payload, thing name, receive time and client id from the telemetry topic", () => {
    expect(telemetryRuleSql(telemetryTopic())).toBe(
      "SELECT encode(*, 'base64') AS payload, topic(3) AS thingName, timestamp() AS receivedAt, clientid() AS clientId FROM 'dt/plantwatch/+/telemetry'",
    );
  });

  it("derives a rule name IoT Core accepts from a stack name", () => {
    expect(telemetryRuleName("plantwatch-prod")).toBe("plantwatch_prod_telemetry");
  });
});
