import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveEndpoints } from "../../../cli/simulate/resolveEndpoints.ts";
import { recordingIo } from "../../support/cliHarness.ts";

const { io } = recordingIo();

function deviceFolder(root: string, thingName: string, extra: Record<string, unknown> = {}): string {
  const folder = join(root, thingName);
  mkdirSync(folder, { recursive: true });
  for (const file of ["cert.pem", "key.pem", "ca.pem"])
    writeFileSync(join(folder, file), `${thingName} ${file}`);
  writeFileSync(
    join(folder, "device.json"),
    JSON.stringify({
      version: 1,
      thingName,
      endpoint: "abc123-ats.iot.eu-west-1.amazonaws.com",
      certificate: "cert.pem",
      privateKey: "key.pem",
      caCertificate: "ca.pem",
      topicRoot: "dt/plantwatch",
      telemetryRuleName: "plantwatch_prod_telemetry",
      ...extra,
    }),
  );
  return folder;
}

describe("resolveEndpoints", () => {
  it("reads each device folder in name order, with its files, endpoint, port and maxTemp threshold", async () => {
    const root = mkdtempSync(join(tmpdir(), "plantwatch-resolve-"));
    deviceFolder(root, "oven-2", { attributes: { maxTemp: "280" } });
    deviceFolder(root, "oven-1", { port: 443 });

    const endpoints = await resolveEndpoints(io, { from: root, prefix: "sim" }, "unused");

    expect(endpoints).toEqual([
      {
        thingName: "oven-1",
        host: "abc123-ats.iot.eu-west-1.amazonaws.com",
        port: 443,
        tls: { ca: "oven-1 ca.pem", cert: "oven-1 cert.pem", key: "oven-1 key.pem" },
        topic: "dt/plantwatch/oven-1/telemetry",
      },
      {
        thingName: "oven-2",
        host: "abc123-ats.iot.eu-west-1.amazonaws.com",
        port: 8883,
        tls: { ca: "oven-2 ca.pem", cert: "oven-2 cert.pem", key: "oven-2 key.pem" },
        topic: "dt/plantwatch/oven-2/telemetry",
        threshold: 280,
      },
    ]);
  });

  it("takes one device folder as it is, and lets flags redirect it to the local stack's plain listener", async () => {
    const folder = deviceFolder(mkdtempSync(join(tmpdir(), "plantwatch-resolve-")), "oven-3");

    const [endpoint] = await resolveEndpoints(
      io,
      { from: folder, prefix: "sim", endpoint: "localhost", insecurePlain: true, basicIngest: true },
      "unused",
    );

    expect(endpoint).toEqual({
      thingName: "oven-3",
      host: "localhost",
      port: 1883,
      topic: "$aws/rules/plantwatch_prod_telemetry/dt/plantwatch/oven-3/telemetry",
    });
  });

  it("names --devices things with zero-padded numbers wide enough for the fleet", async () => {
    const endpoints = await resolveEndpoints(
      io,
      { devices: 1_000, prefix: "press", insecurePlain: true, topicRoot: "plant1/dt", threshold: 90 },
      "plantwatch_dev_telemetry",
    );

    expect(endpoints.map(({ thingName }) => thingName).slice(0, 2)).toEqual(["press-0001", "press-0002"]);
    expect(endpoints[999]).toEqual({
      thingName: "press-1000",
      host: "localhost",
      port: 1883,
      topic: "plant1/dt/press-1000/telemetry",
      threshold: 90,
    });
  });

  it("reports every problem of a folder of folders at once", async () => {
    const root = mkdtempSync(join(tmpdir(), "plantwatch-resolve-"));
    deviceFolder(root, "a", { thingName: "oven-1" });
    deviceFolder(root, "b", { thingName: "oven-1", certificate: "missing.pem" });

    await expect(resolveEndpoints(io, { from: root, prefix: "sim" }, "unused")).rejects.toThrow(
      /2 problem\(s\):\n {2}.*b\/device.json: certificate: .*missing.pem does not exist\n {2}thing oven-1 appears in more than one folder/,
    );
  });
});
