import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alarmsCommand } from "../../../cli/commands/alarms.ts";
import type { AlarmView, HistoryView } from "../../../shared/contracts/operatorApi.ts";
import { closedUrl, runCli, startRecordingServer } from "../../support/cliHarness.ts";
import { type LocalServer, startLocalServer } from "../../support/localHttpServer.ts";
import {
  OPERATOR_API_T0,
  startTestOperatorApi,
  TEST_PRINCIPAL,
  type TestOperatorApi,
} from "../../support/operatorApi.ts";

const ALARM = "oven-overheat:oven-3";

describe("plantwatch alarms", () => {
  let api: TestOperatorApi;
  let recorder: Awaited<ReturnType<typeof startRecordingServer>>;
  const alarms = (...args: string[]) => runCli((io) => alarmsCommand(io), [...args, "--local", api.url]);
  const offline = (...args: string[]) =>
    runCli((io) => alarmsCommand(io), [...args, "--local", `${recorder.endpoint}/api`]);
  const shown = async (alarmId = ALARM) => {
    const run = await alarms("show", alarmId, "--json");
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as { alarm: AlarmView; history: HistoryView[] };
  };

  beforeAll(async () => {
    recorder = await startRecordingServer();
  });
  afterAll(() => recorder.stop());
  beforeEach(async () => {
    api = await startTestOperatorApi({ basePath: "/api" });
    await api.seedActiveAlarm();
  });
  afterEach(async () => {
    await api.close();
    recorder.requests.length = 0;
  });

  describe("list", () => {
    it("prints the API's alarm views as JSON", async () => {
      const run = await alarms("list", "--json");

      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(run.stdout)).toEqual([
        expect.objectContaining({
          alarmId: ALARM,
          thingName: "oven-3",
          state: "ACTIVE",
          rule: {
            id: "oven-overheat",
            name: "Oven temperature too high",
            severity: "critical",
            kind: "threshold",
          },
          device: { site: "plant-1", line: "line-2" },
          since: "2026-11-25T12:00:00.000Z",
        }),
      ]);
    });

    it("prints a table without colour when not on a terminal", async () => {
      const run = await alarms("list");

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          "1 alarm(s): 1 ACTIVE",
          "ALARM                 STATE   SEVERITY  SINCE                 SITE     LINE    RULE                       REMARKS",
          "oven-overheat:oven-3  ACTIVE  critical  2026-11-25T12:00:00Z  plant-1  line-2  Oven temperature too high",
          "",
        ].join("\n"),
      );
      expect(run.stdout).not.toContain("\u001b[");
    });

    it.each([
      [["--state", "acknowledged"], []],
      [["--state", "ACTIVE,LATCHED", "--severity", "critical"], [ALARM]],
      [["--severity", "minor"], []],
      [["--thing", "oven-*"], [ALARM]],
      [["--thing", "kiln-*"], []],
      [["--site", "plant-1", "--line", "line-2"], [ALARM]],
      [["--site", "plant-2"], []],
    ])("filters with %j", async (filters, expected) => {
      const run = await alarms("list", ...filters, "--json");

      expect(run.code).toBe(0);
      expect((JSON.parse(run.stdout) as AlarmView[]).map((alarm) => alarm.alarmId)).toEqual(expected);
    });

    it("says so when nothing matches", async () => {
      const run = await alarms("list", "--state", "DISABLED");

      expect(run).toMatchObject({ code: 0, stdout: "0 alarm(s)\n" });
    });

    it.each([
      [
        ["--state", "RINGING"],
        "RINGING: expected one or more of NORMAL, ACTIVE, ACKNOWLEDGED, LATCHED, SNOOZED, DISABLED",
      ],
      [["--severity", "urgent"], "urgent: expected one or more of critical, major, minor, warning, info"],
      [["--thing", "oven 3"], "expected a thing-name glob"],
      [["--site", ""], "expected a non-empty value"],
      [["--timeout", "0"], "expected a number of seconds, more than 0 and at most 900"],
    ])("refuses %j before any request (exit 1)", async (filters, message) => {
      const run = await offline("list", ...filters);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(recorder.requests).toEqual([]);
    });
  });

  describe("show", () => {
    it("prints the alarm and its history as JSON", async () => {
      const { alarm, history } = await shown();

      expect(alarm).toMatchObject({
        alarmId: ALARM,
        state: "ACTIVE",
        activeSince: "2026-11-25T12:00:00.000Z",
      });
      expect(history).toEqual([
        expect.objectContaining({
          kind: "transition",
          from: "NORMAL",
          to: "ACTIVE",
          trigger: { metric: "temperature", value: 262.4, sampleTime: "2026-11-25T12:00:00.000Z" },
        }),
      ]);
    });

    it("prints the alarm and its history for people", async () => {
      const run = await alarms("show", ALARM);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain("Alarm         oven-overheat:oven-3\n");
      expect(run.stdout).toContain(
        "Rule          oven-overheat: Oven temperature too high (threshold, critical)\n",
      );
      expect(run.stdout).toContain("Thing         oven-3 (site plant-1, line line-2)\n");
      expect(run.stdout).toContain("State         ACTIVE since 2026-11-25T12:00:00Z\n");
      expect(run.stdout).toMatch(
        /History:\nTIME +WHAT +DETAIL\n2026-11-25T12:00:00Z +NORMAL → ACTIVE +.*\(temperature 262\.4 at 2026-11-25T12:00:00Z\)\n$/,
      );
    });

    it("keeps only the most recent --history entries", async () => {
      for (const temperature of [100, 300, 100]) {
        api.clock.advance(60_000);
        await api.sendTelemetry("oven-3", { temperature });
      }

      const { history } = JSON.parse((await alarms("show", ALARM, "--history", "2", "--json")).stdout) as {
        history: HistoryView[];
      };
      const none = JSON.parse((await alarms("show", ALARM, "--history", "0", "--json")).stdout) as {
        history: HistoryView[];
      };

      expect(
        history.map((entry) => (entry.kind === "transition" ? `${entry.from}>${entry.to}` : entry.kind)),
      ).toEqual(["NORMAL>ACTIVE", "ACTIVE>NORMAL"]);
      expect(history[1]?.at).toBe(new Date(OPERATOR_API_T0 + 180_000).toISOString());
      expect(none.history).toEqual([]);
    });

    it("exits 1 for an alarm that does not exist", async () => {
      const run = await alarms("show", "oven-overheat:oven-9");

      expect(run).toMatchObject({
        code: 1,
        stdout: "",
        stderr: "error: not_found: alarm oven-overheat:oven-9 does not exist\n",
      });
    });

    it("refuses a malformed alarm id before any request (exit 1)", async () => {
      const run = await offline("show", "Oven:oven-3");

      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        'error: not an alarm id: "Oven:oven-3" (expected {ruleId}:{thingName}, e.g. oven-overheat:oven-3)\n',
      );
      expect(recorder.requests).toEqual([]);
    });
  });

  describe("actions", () => {
    it("acknowledges an ACTIVE alarm, recording who and why", async () => {
      const run = await alarms("ack", ALARM, "--note", "checking burner");

      expect(run).toMatchObject({ code: 0, stdout: `${ALARM}: ACTIVE → ACKNOWLEDGED\n`, stderr: "" });
      const { alarm, history } = await shown();
      expect(alarm.state).toBe("ACKNOWLEDGED");
      expect(history.at(-1)).toMatchObject({
        kind: "transition",
        from: "ACTIVE",
        to: "ACKNOWLEDGED",
        actor: { id: TEST_PRINCIPAL, note: "checking burner" },
      });
      expect(api.events.at(-1)).toMatchObject({
        alarmId: ALARM,
        state: { value: "ACKNOWLEDGED", previous: "ACTIVE" },
      });
    });

    it("prints one result per alarm as JSON", async () => {
      const run = await alarms("acknowledge", ALARM, "--json");

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([
        {
          alarmId: ALARM,
          ok: true,
          alarm: expect.objectContaining({ alarmId: ALARM, state: "ACKNOWLEDGED" }),
          event: expect.objectContaining({ alarmId: ALARM, actor: { id: TEST_PRINCIPAL } }),
        },
      ]);
    });

    it("exits 1 when the alarm's state does not allow the action (409)", async () => {
      await alarms("ack", ALARM);

      const run = await alarms("ack", ALARM);

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(
        new RegExp(
          `^${ALARM}: refused: action_not_allowed: .+\\nerror: 1 of 1 alarm\\(s\\) not acknowledged\\n$`,
        ),
      );
    });

    it("reports each of several alarms and exits 1 when one is unknown (404)", async () => {
      const run = await alarms("ack", ALARM, "kiln-overheat:kiln-1", "--json");

      expect(run.code).toBe(1);
      expect(JSON.parse(run.stdout)).toEqual([
        expect.objectContaining({ alarmId: ALARM, ok: true }),
        {
          alarmId: "kiln-overheat:kiln-1",
          ok: false,
          error: { status: 404, code: "not_found", message: expect.stringContaining("kiln-overheat") },
        },
      ]);
      expect(run.stderr).toBe("error: 1 of 2 alarm(s) not acknowledged\n");
      expect((await shown()).alarm.state).toBe("ACKNOWLEDGED");
    });

    it("snoozes for --duration", async () => {
      const run = await alarms("snooze", ALARM, "--duration", "30m", "--json");

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)[0].alarm).toMatchObject({
        state: "SNOOZED",
        snoozedUntil: new Date(OPERATOR_API_T0 + 30 * 60_000).toISOString(),
      });
    });

    it("disables, enables and resets", async () => {
      const disabled = await alarms("disable", ALARM);
      const enabled = await alarms("enable", ALARM);
      await api.sendTelemetry("oven-3", { temperature: 300 }, { at: OPERATOR_API_T0 + 60_000 });
      const reset = await alarms("reset", ALARM);

      expect(disabled.stdout).toBe(`${ALARM}: ACTIVE → DISABLED\n`);
      expect(enabled.stdout).toBe(`${ALARM}: DISABLED → NORMAL\n`);
      expect(reset.stdout).toBe(`${ALARM}: ACTIVE → NORMAL\n`);
      expect((await shown()).alarm.state).toBe("NORMAL");
    });

    it.each([
      [["snooze", ALARM], "required option '--duration <duration>' not specified"],
      [["snooze", ALARM, "--duration", "soon"], "expected a duration like 30m, 2h, 1h30m or 1d"],
      [["snooze", ALARM, "--duration", "8d"], "expected at most 7d"],
      [["snooze", ALARM, "--duration", "0s"], "expected a duration longer than 0"],
      [["ack", ALARM, "not-an-id"], 'not an alarm id: "not-an-id"'],
      [["ack", ALARM, "--note", "x".repeat(1001)], "expected at most 1000 characters"],
    ])("refuses %j before any request (exit 1)", async (args, message) => {
      const run = await offline(...args);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(recorder.requests).toEqual([]);
    });
  });

  describe("failures of the API", () => {
    let failing: LocalServer;
    let calls = 0;

    beforeAll(async () => {
      failing = await startLocalServer(() => {
        calls++;
        return {
          status: 503,
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            error: { code: "unavailable", message: "the alarms table did not answer" },
          }),
        };
      });
    });
    afterAll(() => failing.stop());

    it("exits 2 on a server error and does not try the other alarms", async () => {
      calls = 0;
      const run = await runCli(
        (io) => alarmsCommand(io),
        ["ack", ALARM, "oven-overheat:oven-4", "--local", `${failing.endpoint}/api`],
      );

      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        [
          `${ALARM}: failed: unavailable: the alarms table did not answer`,
          "not attempted: oven-overheat:oven-4",
          "error: 2 of 2 alarm(s) not acknowledged",
          "",
        ].join("\n"),
      );
      expect(calls).toBe(1);
    });

    it("exits 2 when the API is down", async () => {
      const url = await closedUrl();

      const listed = await runCli((io) => alarmsCommand(io), ["list", "--local", url]);
      const acked = await runCli((io) => alarmsCommand(io), ["ack", ALARM, "--local", url]);

      expect(listed.code).toBe(2);
      expect(listed.stderr).toMatch(
        /^error: cannot reach the operator API at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(is the local stack running\? start it with npm start\)\n$/,
      );
      expect(acked.code).toBe(2);
      expect(acked.stderr).toContain(`${ALARM}: failed: cannot reach the operator API`);
    });
  });

  it("runs as the real command: exit 1 before any request, exit 2 when the API is down", async () => {
    const bin = fileURLToPath(new URL("../../../cli/bin.ts", import.meta.url));

    const noDuration = await runBin([bin, "alarms", "snooze", ALARM, "--local", `${recorder.endpoint}/api`]);
    const badUrl = await runBin([bin, "alarms", "list", "--local", "localhost:8080"]);
    const down = await runBin([bin, "alarms", "list", "--local", await closedUrl()]);

    expect(noDuration.code).toBe(1);
    expect(noDuration.stderr).toContain("required option '--duration <duration>' not specified");
    expect(badUrl.code).toBe(1);
    expect(badUrl.stderr).toContain("expected a URL such as http://localhost:8080/api");
    expect(recorder.requests).toEqual([]);
    expect(down.code).toBe(2);
    expect(down.stderr).toContain("error: cannot reach the operator API");
  });

  it.each([["list"], ["show"], ["ack"], ["snooze"], ["disable"], ["enable"], ["reset"]])(
    "prints help with examples for %s",
    async (name) => {
      const run = await runCli((io) => alarmsCommand(io), [name, "--help"]);

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: alarms ${name}[ |]`));
      expect(run.stdout).toContain("Examples:\n  $ plantwatch alarms ");
    },
  );
});

function runBin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ["--import", "tsx", ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}
