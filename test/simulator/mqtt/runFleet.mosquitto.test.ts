import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";
import { parseTelemetry } from "../../../shared/domain/ingest/parseTelemetry.ts";
import { DEFAULT_TELEMETRY_LIMITS } from "../../../shared/domain/ingest/types.ts";
import { runFleet } from "../../../simulator/mqtt/runFleet.ts";
import { virtualTimer } from "../../../simulator/mqtt/timer.ts";
import {
  type MosquittoBroker,
  type MosquittoSubscriber,
  startMosquitto,
  startMosquittoSub,
} from "../../support/brokers.ts";
import { writePem } from "../../support/testCa.ts";
import { waitUntil } from "../../support/waitUntil.ts";
import { createPki, deviceEndpoint, FAST_BACKOFF, type Pki, START } from "./fixtures.ts";

const NOW = START + 60_000;

/** Debian's mosquitto, `require_certificate true`: a broker nobody here wrote, like IoT Core in that it trusts one CA. */
describe("runFleet against mosquitto with require_certificate", () => {
  let pki: Pki;
  let broker: MosquittoBroker;
  let subscriber: MosquittoSubscriber;
  const received = (thing: string) => subscriber.messages.filter(({ topic }) => topic.includes(`/${thing}/`));

  beforeAll(async () => {
    pki = await createPki();
    broker = await startMosquitto(pki.brokerFiles);
    const subscriberFiles = writePem(pki.directory, "subscriber", await pki.ca.issueClient("subscriber"));
    subscriber = await startMosquittoSub(
      broker,
      {
        cafile: pki.brokerFiles.cafile,
        certfile: subscriberFiles.certificate,
        keyfile: subscriberFiles.privateKey,
      },
      {
        clientId: "subscriber",
        topics: ["dt/plantwatch/+/telemetry", "$aws/rules/+/dt/plantwatch/+/telemetry"],
      },
    );
  });
  afterAll(async () => {
    await subscriber?.stop();
    await broker?.stop();
  });

  it("delivers the fleet's messages, acknowledged, to mosquitto_sub as valid C2 payloads", async () => {
    const things = ["press-1", "press-2"];
    const devices = await Promise.all(
      things.map(async (thing) =>
        deviceEndpoint(thing, broker.port, await pki.ca.issueClient(thing), pki.ca.certificate),
      ),
    );

    const summary = await runFleet({
      devices,
      scenarios: ["normal", "burst", "overheat"],
      seed: 5,
      intervalMs: 1_000,
      ticks: 30,
      timer: virtualTimer(START),
      drainTimeoutMs: 5_000,
      backoff: FAST_BACKOFF,
    });
    await waitUntil(() => subscriber.messages.length >= 60);

    expect(summary.totals).toEqual({ sent: 60, acknowledged: 60, failed: 0 });
    for (const thing of things) {
      const messages = received(thing);
      expect(messages).toHaveLength(30);
      for (const { topic, payload } of messages) {
        expect(topic).toBe(`dt/plantwatch/${thing}/telemetry`);
        const parsed = parseTelemetry(
          { thingName: thing, receivedAt: NOW, payload },
          DEFAULT_TELEMETRY_LIMITS,
          NOW,
        );
        expect(parsed.quarantined).toEqual([]);
        expect(parsed.samples).toHaveLength(10);
      }
    }
    // The overheating machine went over 250 and the other did not.
    const hottest = (thing: string) =>
      Math.max(
        ...received(thing).flatMap(({ payload }) =>
          JSON.parse(payload.toString()).samples.map(
            (sample: { metrics: { temperature: number } }) => sample.metrics.temperature,
          ),
        ),
      );
    expect(hottest("press-1")).toBeGreaterThan(250);
    expect(hottest("press-2")).toBeLessThan(240);
    // mosquitto took each certificate's common name as the user name.
    expect(broker.log()).toMatch(/New client connected from 127\.0\.0\.1:\d+ as press-1 \(.*u'press-1'\)/);
  });

  it("publishes to the Basic Ingest topic as it is given", async () => {
    const device = {
      ...deviceEndpoint("press-3", broker.port, await pki.ca.issueClient("press-3"), pki.ca.certificate),
      topic: telemetryTopic().basicIngestTopicFor("plantwatch_dev_telemetry", "press-3"),
    };

    const summary = await runFleet({
      devices: [device],
      scenarios: ["normal"],
      seed: 5,
      intervalMs: 1_000,
      ticks: 5,
      timer: virtualTimer(START),
      drainTimeoutMs: 5_000,
    });
    await waitUntil(() => received("press-3").length >= 5);

    expect(summary.totals).toEqual({ sent: 5, acknowledged: 5, failed: 0 });
    expect(received("press-3").map(({ topic }) => topic)).toEqual(
      Array(5).fill("$aws/rules/plantwatch_dev_telemetry/dt/plantwatch/press-3/telemetry"),
    );
  });

  it("is refused with a certificate from another CA, and reports it", async () => {
    const impostor = deviceEndpoint(
      "press-9",
      broker.port,
      await pki.foreignCa.issueClient("press-9"),
      pki.ca.certificate,
    );

    const summary = await runFleet({
      devices: [impostor],
      scenarios: ["normal"],
      seed: 5,
      intervalMs: 1_000,
      ticks: 5,
      timer: virtualTimer(START),
      drainTimeoutMs: 300,
      backoff: FAST_BACKOFF,
    });

    expect(summary.devices[0]).toMatchObject({ sent: 5, acknowledged: 0, failed: 5, connections: 0 });
    // mosquitto (OpenSSL) answers with a TLS alert, which the device reports.
    expect(summary.devices[0]?.lastError).toBe("tlsv1 alert unknown ca");
    expect(received("press-9")).toEqual([]);
    await broker.waitForLog(/certificate verify failed/);
  });
});
