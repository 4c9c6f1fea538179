import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseTelemetry } from "../../../shared/domain/ingest/parseTelemetry.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../shared/domain/ingest/types.ts";
import { createFleetSimulation } from "../../../simulator/domain/fleetSimulation.ts";
import type { ScenarioName } from "../../../simulator/domain/scenarios.ts";
import { runFleet } from "../../../simulator/mqtt/runFleet.ts";
import { type SimulationTimer, virtualTimer } from "../../../simulator/mqtt/timer.ts";
import { type AedesBroker, startAedes } from "../../support/brokers.ts";
import { createPki, deviceEndpoint, FAST_BACKOFF, type Pki, START } from "./fixtures.ts";

const TICKS = 40;

/** What the pure simulation says each device publishes, for the same options the run used. */
function expectedPayloads(things: readonly string[], scenarios: readonly ScenarioName[], seed: number) {
  const fleet = createFleetSimulation({
    things: things.map((thingName) => ({ thingName })),
    scenarios,
    seed,
    startTime: START,
    intervalMs: 1_000,
    totalTicks: TICKS,
  });
  return new Map(
    fleet.map((device) => [
      device.thingName,
      Array.from({ length: TICKS }, (_, tick) => device.step(tick)).flatMap((step) =>
        step.actions.flatMap((action) => (action.type === "publish" ? [Buffer.from(action.payload)] : [])),
      ),
    ]),
  );
}

describe("runFleet against aedes with mutual TLS", () => {
  let pki: Pki;
  let broker: AedesBroker;
  const received = (clientId: string) => broker.published.filter((message) => message.clientId === clientId);

  beforeAll(async () => {
    pki = await createPki();
    broker = await startAedes({
      ca: pki.ca.certificate,
      cert: pki.server.certificate,
      key: pki.server.privateKey,
    });
  });
  afterAll(async () => {
    await broker.stop();
  });

  it("publishes each device's messages to its own topic with QoS 1, all acknowledged, exactly as simulated", async () => {
    const things = ["line1-oven", "line1-press", "line1-kiln"];
    const scenarios: ScenarioName[] = ["normal", "overheat", "offline", "late", "duplicates"];
    const devices = await Promise.all(
      things.map(async (thing) =>
        deviceEndpoint(thing, broker.port, await pki.ca.issueClient(thing), pki.ca.certificate),
      ),
    );

    const summary = await runFleet({
      devices,
      scenarios,
      seed: 42,
      intervalMs: 1_000,
      ticks: TICKS,
      timer: virtualTimer(START),
      drainTimeoutMs: 5_000,
      backoff: FAST_BACKOFF,
    });

    const expected = expectedPayloads(things, scenarios, 42);
    for (const thing of things) {
      const messages = received(thing);
      expect(
        messages.every(({ topic, qos }) => topic === `dt/plantwatch/${thing}/telemetry` && qos === 1),
      ).toBe(true);
      expect(messages.map(({ payload }) => payload)).toEqual(expected.get(thing));
      for (const { payload } of messages) {
        const parsed = parseTelemetry(
          { thingName: thing, receivedAt: START + TICKS * 1_000, payload },
          DEFAULT_TELEMETRY_LIMITS,
          START + TICKS * 1_000,
        );
        expect(parsed.quarantined).toEqual([]);
      }
    }
    expect(
      summary.devices.map(({ thingName, sent, acknowledged, failed, connections }) => ({
        thingName,
        sent,
        acknowledged,
        failed,
        connections,
      })),
    ).toEqual(
      things.map((thing) => ({
        thingName: thing,
        sent: expected.get(thing)?.length,
        acknowledged: expected.get(thing)?.length,
        failed: 0,
        // The offline device disconnects once and comes back.
        connections: thing === "line1-press" ? 2 : 1,
      })),
    );
    expect(summary).toMatchObject({ startTime: START, ticks: TICKS, interrupted: false });
  });

  it("delivers bad payloads byte for byte, each quarantined as its scenario declares", async () => {
    const device = deviceEndpoint(
      "qa-bench",
      broker.port,
      await pki.ca.issueClient("qa-bench"),
      pki.ca.certificate,
    );

    const summary = await runFleet({
      devices: [device],
      scenarios: ["bad-payloads"],
      seed: 1,
      intervalMs: 1_000,
      ticks: 15,
      timer: virtualTimer(START),
      drainTimeoutMs: 5_000,
    });

    const [simulated] = createFleetSimulation({
      things: [{ thingName: "qa-bench" }],
      scenarios: ["bad-payloads"],
      seed: 1,
      startTime: START,
      intervalMs: 1_000,
      totalTicks: 15,
    });
    const bad = Array.from({ length: 15 }, (_, tick) => simulated?.step(tick)).flatMap(
      (step) =>
        step?.actions.flatMap((action) =>
          action.type === "publish" && action.badPayload !== undefined
            ? [{ time: step.time, badPayload: action.badPayload }]
            : [],
        ) ?? [],
    );
    const arrived = received("qa-bench").filter((_, index) => index % 2 === 1);
    expect(arrived).toHaveLength(15);
    arrived.forEach(({ payload }, index) => {
      const { time, badPayload } = bad[index] ?? {};
      const parsed = parseTelemetry(
        { thingName: "qa-bench", receivedAt: time ?? 0, payload },
        DEFAULT_TELEMETRY_LIMITS,
        time ?? 0,
      );
      expect(parsed.quarantined.map(({ reason }) => reason)).toEqual(badPayload?.reasons);
    });
    expect(summary.totals).toEqual({ sent: 30, acknowledged: 30, failed: 0 });
  });

  it("refuses a device whose certificate another CA signed, and counts its messages failed", async () => {
    const good = deviceEndpoint(
      "oven-1",
      broker.port,
      await pki.ca.issueClient("oven-1"),
      pki.ca.certificate,
    );
    const impostor = deviceEndpoint(
      "oven-2",
      broker.port,
      await pki.foreignCa.issueClient("oven-2"),
      pki.ca.certificate,
    );
    const refusedBefore = broker.refusedHandshakes.length;

    const summary = await runFleet({
      devices: [good, impostor],
      scenarios: ["normal"],
      seed: 7,
      intervalMs: 1_000,
      ticks: 10,
      timer: virtualTimer(START),
      drainTimeoutMs: 300,
      backoff: FAST_BACKOFF,
    });

    expect(summary.devices[0]).toMatchObject({ thingName: "oven-1", sent: 10, acknowledged: 10, failed: 0 });
    expect(summary.devices[1]).toMatchObject({ thingName: "oven-2", sent: 10, acknowledged: 0, failed: 10 });
    expect(summary.devices[1]?.connections).toBe(0);
    expect(summary.devices[1]?.lastError).toMatch(/closed the connection before accepting it/);
    expect(received("oven-2")).toEqual([]);
    expect(broker.refusedHandshakes.length).toBeGreaterThan(refusedBefore);
  });

  it("reconnects with backoff after the broker goes away, and sends what it queued meanwhile", async () => {
    const pem = await pki.ca.issueClient("mixer-1");
    const flaky = await startAedes({
      ca: pki.ca.certificate,
      cert: pki.server.certificate,
      key: pki.server.privateKey,
    });
    const port = flaky.port;
    let restarted: AedesBroker | undefined;
    const events: string[] = [];
    // Before tick 5 the broker stops; ticks 5-9 are queued; before tick 10 it is back on the same port.
    const base = virtualTimer(START);
    const timer: SimulationTimer = {
      now: base.now,
      sleepUntil: async (time) => {
        if (time === START + 5_000) {
          await flaky.stop();
          events.push("stopped");
        }
        if (time === START + 10_000) {
          await new Promise((resolve) => setTimeout(resolve, 150));
          restarted = await startAedes(
            { ca: pki.ca.certificate, cert: pki.server.certificate, key: pki.server.privateKey },
            port,
          );
          events.push("restarted");
        }
        await base.sleepUntil(time);
      },
    };

    try {
      const summary = await runFleet({
        devices: [deviceEndpoint("mixer-1", port, pem, pki.ca.certificate)],
        scenarios: ["normal"],
        seed: 3,
        intervalMs: 1_000,
        ticks: 15,
        timer,
        drainTimeoutMs: 5_000,
        backoff: FAST_BACKOFF,
        onEvent: (event) => events.push(event.type),
      });

      expect(summary.devices[0]).toMatchObject({ sent: 15, acknowledged: 15, failed: 0, connections: 2 });
      expect(events).toContain("connection-failed");
      expect(events.indexOf("restarted")).toBeLessThan(events.lastIndexOf("connected"));
      // Everything queued during the outage reaches the restarted broker (with, QoS 1 being at least
      // once, possibly a redelivery of what the first one had not acknowledged yet).
      const seqs = (restarted?.published ?? []).map(
        ({ payload }) => JSON.parse(payload.toString()).seq as number,
      );
      expect(seqs).toEqual(expect.arrayContaining([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));
    } finally {
      await restarted?.stop();
    }
  });
});
