import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { importCommand } from "../../../cli/commands/import.ts";
import { loadRuleFile } from "../../../shared/contracts/loadRuleFile.ts";
import { expectGolden } from "../../shared/domain/notifications/golden.ts";
import { runCli } from "../../support/cliHarness.ts";
import { plantwatchRules } from "./rulesHarness.ts";

const GOLDEN = new URL("./golden/iot-events/", import.meta.url);
const EXAMPLES = "examples/iot-events";
const EXAMPLE_FILES = [
  ["plant-alarms.template.json", 0],
  ["press-alarms.template.yaml", 1],
  ["motor-temperature.describe-alarm-model.json", 0],
  ["boiler-detector.template.json", 1],
] as const;
const JSON_EXAMPLES = EXAMPLE_FILES.map(([file]) => file)
  .filter((file) => file.endsWith(".json"))
  .map((file) => `${EXAMPLES}/${file}`);

const directory = mkdtempSync(join(tmpdir(), "plantwatch-import-"));
let outputs = 0;
const outputPath = (name = "rules.yaml") => join(directory, `${++outputs}-${name}`);

function plantwatchImport(args: readonly string[]) {
  return runCli(importCommand, ["iot-events", ...args]);
}

describe("plantwatch import iot-events", () => {
  describe.each(EXAMPLE_FILES)("%s", (file, exitCode) => {
    it(`writes the golden rules file and report, and exits ${exitCode}`, async () => {
      const run = await plantwatchImport([`${EXAMPLES}/${file}`]);

      expect(run.code).toBe(exitCode);
      expectGolden(`${file}.rules.yaml`, run.stdout.trimEnd(), GOLDEN);
      expectGolden(`${file}.report.txt`, run.stderr.trimEnd(), GOLDEN);
    });
  });

  it("writes a file `rules validate` accepts, with every rule the report names (the issue's 'done when')", async () => {
    const output = outputPath();

    const run = await plantwatchImport([...JSON_EXAMPLES, "-o", output]);
    const validate = await plantwatchRules(["validate", "-f", output]);

    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("plantwatch import iot-events: migration report");
    expect(run.stderr).toContain(`Wrote 3 rule(s) to ${output};`);
    expect(validate).toMatchObject({ code: 0, stdout: `${output}: 3 rule(s), valid\n` });
    const loaded = loadRuleFile(readFileSync(output, "utf8"), output);
    expect(loaded.ok && loaded.documents.map((rule) => rule.id)).toEqual([
      "oven-overheat",
      "compressor-pressure-low",
      "motor-temperature",
    ]);
  });

  it("says in the file why each rule is as it is, and what was refused", async () => {
    const run = await plantwatchImport([`${EXAMPLES}/press-alarms.template.yaml`]);

    expect(run.stdout).toContain(
      "# REFUSED examples/iot-events/press-alarms.template.yaml: Resources.PressOilTemperatureAlarm.Properties (PressOilTemperatureAlarm): Threshold: { Ref: MaxOilTemperature } is only known once the stack is deployed (the parameter's Default is 80)",
    );
    expect(run.stdout).toContain(
      "#   NOT CARRIED OVER Resources.PressVibrationAlarm.Properties.AlarmCapabilities.InitializationConfiguration.DisabledOnInitialization:",
    );
    expect(run.stdout).toMatch(
      /# {3}Resources\.PressVibrationAlarm\.Properties\.Severity: Severity 2 → major .*\n(#.*\n)*- id: press-vibration-alarm\n/,
    );
  });

  it("exits 0 only when every alarm model migrated whole", async () => {
    const whole = await plantwatchImport([
      `${EXAMPLES}/plant-alarms.template.json`,
      `${EXAMPLES}/motor-temperature.describe-alarm-model.json`,
    ]);
    const refused = await plantwatchImport([
      `${EXAMPLES}/plant-alarms.template.json`,
      `${EXAMPLES}/boiler-detector.template.json`,
    ]);

    expect(whole.code).toBe(0);
    expect(whole.stderr).toMatch(/The migration is whole; 8 step\(s\) to do outside the rules file\.\n$/);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/The migration is NOT whole/);
  });

  it("applies --things, --severity-map and --metric-map to the rules", async () => {
    const run = await plantwatchImport([
      `${EXAMPLES}/plant-alarms.template.json`,
      "--things",
      "oven-*,kiln-?",
      "--severity-map",
      "3=warning",
      "--metric-map",
      "TelemetryInput.sensorData.pressure=air_pressure",
    ]);

    const loaded = loadRuleFile(run.stdout, "rules.yaml");
    expect(run.code).toBe(0);
    expect(
      loaded.ok &&
        loaded.documents.map(({ id, severity, match, ...rest }) => [
          id,
          severity,
          match,
          "metric" in rest && rest.metric,
        ]),
    ).toEqual([
      ["oven-overheat", "critical", { things: ["oven-*", "kiln-?"] }, "temperature"],
      ["compressor-pressure-low", "warning", { things: ["oven-*", "kiln-?"] }, "air_pressure"],
    ]);
  });

  it("writes the report as JSON, to a file when asked", async () => {
    const report = outputPath("report.json");

    const run = await plantwatchImport([
      `${EXAMPLES}/boiler-detector.template.json`,
      "--json",
      "--report",
      report,
      "-o",
      outputPath(),
    ]);

    const written = JSON.parse(readFileSync(report, "utf8"));
    expect(run).toMatchObject({ code: 1, stdout: "", stderr: "" });
    expect(written).toMatchObject({
      version: "1",
      whole: false,
      alarms: [],
      refused: [
        {
          file: `${EXAMPLES}/boiler-detector.template.json`,
          resource: "BoilerDetectorModel3F1A9C2E",
          path: "Resources.BoilerDetectorModel3F1A9C2E",
        },
      ],
    });
  });

  it("refuses options it cannot use, before reading anything", async () => {
    const severity = await plantwatchImport([
      `${EXAMPLES}/plant-alarms.template.json`,
      "--severity-map",
      "3=urgent",
    ]);
    const metric = await plantwatchImport([
      `${EXAMPLES}/plant-alarms.template.json`,
      "--metric-map",
      "A.b=2x",
    ]);
    const things = await plantwatchImport([`${EXAMPLES}/plant-alarms.template.json`, "--things", "oven 3"]);

    expect(severity.code).toBe(1);
    expect(severity.stderr).toContain(
      "urgent is not a severity: one of critical, major, minor, warning, info",
    );
    expect(metric.code).toBe(1);
    expect(metric.stderr).toContain("--metric-map");
    expect(things.code).toBe(1);
    expect(severity.stdout + metric.stdout + things.stdout).toBe("");
  });

  it("exits 1 naming a file it cannot read or parse", async () => {
    const broken = join(directory, "broken.yaml");
    writeFileSync(broken, "Resources: [unclosed\n");

    const missing = await plantwatchImport([join(directory, "missing.json")]);
    const unparsable = await plantwatchImport([broken]);

    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: cannot read .*missing\.json/);
    expect(unparsable.code).toBe(1);
    expect(unparsable.stderr).toContain(`error: ${broken}: cannot read it as JSON or YAML:`);
  });
});
