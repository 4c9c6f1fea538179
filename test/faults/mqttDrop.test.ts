import { beforeAll, describe, expect, it } from "vitest";
import { keepsPromises } from "../../faults/faultTable.ts";
import { type MqttDropOutcome, mqttConnectionDropped } from "../../faults/mqttDrop.ts";

describe("mqttConnectionDropped", () => {
  let outcome: MqttDropOutcome;

  beforeAll(async () => {
    outcome = await mqttConnectionDropped("quick");
  }, 120_000);

  it("drops connections between a PUBLISH the broker took and its PUBACK, so devices send messages again", () => {
    expect(outcome.drops.betweenPublishAndPuback).toBeGreaterThan(0);
    expect(outcome.resent).toBeGreaterThan(0);
    // The broker had these already: the rules engine handed them to ingest a second time.
    expect(outcome.redeliveredToIngest).toBeGreaterThan(0);
  });

  it("stores every message once: none lost, none quarantined, no sample kept twice", () => {
    expect(outcome.unacknowledged).toBe(0);
    expect(outcome.unaccounted).toBe(0);
    expect(outcome.stored).toBe(outcome.sent);
    expect(outcome.quarantined).toEqual({});
    expect(outcome.duplicatePoints).toBe(0);
    expect(keepsPromises(outcome)).toBe(true);
  });
});
