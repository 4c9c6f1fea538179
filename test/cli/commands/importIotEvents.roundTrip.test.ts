import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alarmsCommand } from "../../../cli/commands/alarms.ts";
import { importCommand } from "../../../cli/commands/import.ts";
import { runCli } from "../../support/cliHarness.ts";
import { startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";
import { plantwatchRules } from "./rulesHarness.ts";

/**
 * The round trip: the rules `import iot-events` writes from the example template, applied with
 * `rules apply --local` to the operator API on dynalite, then the samples that raised the alarms in
 * IoT Events sent through the real alarm engine. The alarm with the acknowledge flow latches until
 * acknowledged; the one without returns to NORMAL; a device without the threshold attribute never
 * raises.
 */
describe("plantwatch import iot-events, applied", () => {
  let api: TestOperatorApi;
  const rulesFile = join(mkdtempSync(join(tmpdir(), "plantwatch-import-apply-")), "rules.yaml");
  const transitions = () =>
    api.events.map((event) => `${event.alarmId} ${event.state.previous} → ${event.state.value}`);

  beforeEach(async () => {
    api = await startTestOperatorApi({ basePath: "/api" });
  });
  afterEach(async () => {
    await api.close();
  });

  it("raises, latches and clears as the IoT Events alarm models did", async () => {
    const imported = await runCli(importCommand, [
      "iot-events",
      "examples/iot-events/plant-alarms.template.json",
      "-o",
      rulesFile,
    ]);
    const applied = await plantwatchRules(["apply", "-f", rulesFile, "--yes", "--local", api.url]);
    await api.putDevice({ thingName: "oven-3", site: "plant-1" });
    await api.putDevice({ thingName: "compressor-7", attributes: { minPressure: 4.5 } });
    await api.putDevice({ thingName: "compressor-8" });
    const at = (seconds: number) => ({ at: api.clock.now() + seconds * 1000 });

    await api.sendTelemetry("oven-3", { temperature: 248 }, at(1));
    await api.sendTelemetry("oven-3", { temperature: 262.4 }, at(2));
    await api.sendTelemetry("oven-3", { temperature: 240 }, at(3));
    await api.sendTelemetry("compressor-7", { pressure: 4.4 }, at(4));
    await api.sendTelemetry("compressor-7", { pressure: 6.1 }, at(5));
    await api.sendTelemetry("compressor-8", { pressure: 0 }, at(6));
    const acknowledged = await runCli(
      (io) => alarmsCommand(io),
      ["ack", "oven-overheat:oven-3", "--local", api.url],
    );

    expect(imported.code).toBe(0);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Applied: 2 added, 0 changed, 0 deleted\./);
    expect(acknowledged.code).toBe(0);
    expect(transitions()).toEqual([
      "oven-overheat:oven-3 NORMAL → ACTIVE",
      "oven-overheat:oven-3 ACTIVE → LATCHED",
      "compressor-pressure-low:compressor-7 NORMAL → ACTIVE",
      "compressor-pressure-low:compressor-7 ACTIVE → NORMAL",
      "oven-overheat:oven-3 LATCHED → NORMAL",
    ]);
    expect(api.events[0]).toMatchObject({
      rule: { id: "oven-overheat", severity: "critical", kind: "threshold" },
      trigger: { metric: "temperature", value: 262.4 },
    });
  });
});
