import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { devicesCommand } from "../../../cli/commands/devices.ts";
import type { DeviceDetailView, DeviceView } from "../../../shared/contracts/operatorApi.ts";
import { closedUrl, runCli, startRecordingServer } from "../../support/cliHarness.ts";
import { OPERATOR_API_T0, startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";

describe("plantwatch devices", () => {
  let api: TestOperatorApi;
  let recorder: Awaited<ReturnType<typeof startRecordingServer>>;
  const devices = (...args: string[]) => runCli((io) => devicesCommand(io), [...args, "--local", api.url]);

  beforeAll(async () => {
    recorder = await startRecordingServer();
    api = await startTestOperatorApi({ basePath: "/api" });
    await api.seedActiveAlarm();
    await api.putDevice({
      thingName: "kiln-1",
      site: "plant-2",
      model: "tunnel-kiln",
      attributes: { maxTemp: 1200 },
      lastSeen: OPERATOR_API_T0 - 60_000,
    });
  });
  afterAll(async () => {
    await recorder.stop();
    await api.close();
  });
  afterEach(() => {
    recorder.requests.length = 0;
  });

  describe("list", () => {
    it("prints the API's device views as JSON", async () => {
      const run = await devices("list", "--json");

      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(run.stdout)).toEqual([
        {
          thingName: "kiln-1",
          site: "plant-2",
          model: "tunnel-kiln",
          attributes: { maxTemp: 1200 },
          lastSeen: "2026-11-25T11:59:00.000Z",
          activeAlarms: 0,
        },
        expect.objectContaining({ thingName: "oven-3", site: "plant-1", line: "line-2", activeAlarms: 1 }),
      ]);
    });

    it("prints a table for people", async () => {
      const run = await devices("list");

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          "2 device(s)",
          "THING   SITE     LINE    MODEL        LAST SEEN             CONNECTIVITY  ACTIVE ALARMS",
          "kiln-1  plant-2  -       tunnel-kiln  2026-11-25T11:59:00Z  -             0",
          "oven-3  plant-1  line-2  deck-oven    2026-11-25T12:00:00Z  -             1",
          "",
        ].join("\n"),
      );
    });

    it.each([
      [["--site", "plant-1"], ["oven-3"]],
      [["--thing", "kiln-*"], ["kiln-1"]],
      [["--line", "line-9"], []],
    ])("filters with %j", async (filters, expected) => {
      const run = await devices("list", ...filters, "--json");

      expect((JSON.parse(run.stdout) as DeviceView[]).map((device) => device.thingName)).toEqual(expected);
    });

    it("says so when nothing matches", async () => {
      expect(await devices("list", "--site", "nowhere")).toMatchObject({
        code: 0,
        stdout: "No devices match.\n",
      });
    });
  });

  describe("show", () => {
    it("prints the device and its alarms as JSON", async () => {
      const run = await devices("show", "oven-3", "--json");

      expect(run.code).toBe(0);
      const device = JSON.parse(run.stdout) as DeviceDetailView;
      expect(device).toMatchObject({ thingName: "oven-3", model: "deck-oven", activeAlarms: 1 });
      expect(device.alarms).toEqual([
        expect.objectContaining({ alarmId: "oven-overheat:oven-3", state: "ACTIVE" }),
      ]);
    });

    it("prints the device and its alarms for people", async () => {
      const run = await devices("show", "oven-3");

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          "Thing          oven-3",
          "Site           plant-1",
          "Line           line-2",
          "Model          deck-oven",
          "Last seen      2026-11-25T12:00:00Z",
          "Active alarms  1",
          "",
          "Alarms:",
          "ALARM                 STATE   SEVERITY  SINCE                 SITE     LINE    RULE                       REMARKS",
          "oven-overheat:oven-3  ACTIVE  critical  2026-11-25T12:00:00Z  plant-1  line-2  Oven temperature too high",
          "",
        ].join("\n"),
      );
    });

    it("shows attributes", async () => {
      const run = await devices("show", "kiln-1");

      expect(run.stdout).toContain("Attributes     maxTemp=1200\n");
      expect(run.stdout).toContain("No alarm instances yet.\n");
    });

    it("exits 1 for a device that is not registered", async () => {
      const run = await devices("show", "oven-9");

      expect(run).toMatchObject({ code: 1, stderr: "error: not_found: device oven-9 is not registered\n" });
    });

    it("refuses a malformed thing name before any request (exit 1)", async () => {
      const run = await runCli(
        (io) => devicesCommand(io),
        ["show", "oven/3", "--local", `${recorder.endpoint}/api`],
      );

      expect(run).toMatchObject({
        code: 1,
        stderr: expect.stringContaining('error: not a thing name: "oven/3"'),
      });
      expect(recorder.requests).toEqual([]);
    });
  });

  it("exits 2 when the API is down", async () => {
    const run = await runCli((io) => devicesCommand(io), ["list", "--local", await closedUrl()]);

    expect(run.code).toBe(2);
  });

  it.each([["list"], ["show"]])("prints help with examples for %s", async (name) => {
    const run = await runCli((io) => devicesCommand(io), [name, "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: devices ${name} `));
    expect(run.stdout).toContain("Examples:\n  $ plantwatch devices ");
  });
});
