import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { telemetryTopic } from "../../../shared/contracts/telemetryTopic.ts";
import type { DeviceEndpoint } from "../../../simulator/mqtt/mqttDevice.ts";
import type { BrokerTlsFiles } from "../../support/brokers.ts";
import { createTestCa, type Pem, type TestCa, writePem } from "../../support/testCa.ts";

/** Simulated time of tick 0 in broker tests: timestamps are exact with a virtual timer. */
export const START = Date.parse("2026-11-25T12:00:00.000Z");

/** Fast retries, so a refused device does not hold a test up. */
export const FAST_BACKOFF = { initialMs: 20, maxMs: 100, factor: 2 } as const;

/** A broker's CA and certificate, and a second CA the broker does not trust. */
export interface Pki {
  readonly ca: TestCa;
  readonly foreignCa: TestCa;
  readonly server: Pem;
  readonly directory: string;
  /** The broker's files (mosquitto reads files). */
  readonly brokerFiles: BrokerTlsFiles;
}

export async function createPki(): Promise<Pki> {
  const ca = await createTestCa();
  const foreignCa = await createTestCa({ commonName: "someone else's CA" });
  const server = await ca.issueServer();
  const directory = mkdtempSync(join(tmpdir(), "plantwatch-pki-"));
  const caFile = join(directory, "ca.pem");
  writePem(directory, "ca", ca);
  const serverFiles = writePem(directory, "server", server);
  return {
    ca,
    foreignCa,
    server,
    directory,
    brokerFiles: { cafile: caFile, certfile: serverFiles.certificate, keyfile: serverFiles.privateKey },
  };
}

/** A device connecting to 127.0.0.1:`port` with `pem`, publishing to its C1 topic. */
export function deviceEndpoint(thingName: string, port: number, pem: Pem, ca: string): DeviceEndpoint {
  return {
    thingName,
    host: "127.0.0.1",
    port,
    tls: { ca, cert: pem.certificate, key: pem.privateKey },
    topic: telemetryTopic().topicFor(thingName),
  };
}
