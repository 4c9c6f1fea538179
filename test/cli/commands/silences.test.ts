import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { alarmsCommand } from "../../../cli/commands/alarms.ts";
import { silencesCommand } from "../../../cli/commands/silences.ts";
import type { AlarmView, SilenceView } from "../../../shared/contracts/operatorApi.ts";
import { closedUrl, runCli, startRecordingServer } from "../../support/cliHarness.ts";
import {
  OPERATOR_API_T0,
  startTestOperatorApi,
  TEST_PRINCIPAL,
  type TestOperatorApi,
} from "../../support/operatorApi.ts";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe("plantwatch silences", () => {
  let api: TestOperatorApi;
  let recorder: Awaited<ReturnType<typeof startRecordingServer>>;
  const clock = () => api.clock.now();
  const silences = (...args: string[]) =>
    runCli((io) => silencesCommand(io, {}, clock), [...args, "--local", api.url]);
  const offline = (...args: string[]) =>
    runCli(
      (io) => silencesCommand(io, {}, () => OPERATOR_API_T0),
      [...args, "--local", `${recorder.endpoint}/api`],
    );
  const listed = async (...args: string[]) => {
    const run = await silences("list", "--json", ...args);
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as SilenceView[];
  };

  beforeAll(async () => {
    recorder = await startRecordingServer();
    api = await startTestOperatorApi({ basePath: "/api" });
    await api.seedActiveAlarm();
  });
  afterAll(async () => {
    await recorder.stop();
    await api.close();
  });
  beforeEach(() => {
    api.clock.set(OPERATOR_API_T0);
  });
  afterEach(async () => {
    recorder.requests.length = 0;
    for (const silence of await api.deps.silences.list()) await api.deps.silences.delete(silence.id);
  });

  describe("add", () => {
    it("creates a silence from now for --duration and prints it as JSON", async () => {
      const run = await silences(
        "add",
        "oven-3-service",
        "--things",
        "oven-3",
        "--duration",
        "2h",
        "--comment",
        "burner swap",
        "--json",
      );

      expect(run).toMatchObject({ code: 0, stderr: "" });
      expect(JSON.parse(run.stdout)).toEqual({
        id: "oven-3-service",
        match: { things: ["oven-3"] },
        startsAt: iso(OPERATOR_API_T0),
        endsAt: iso(OPERATOR_API_T0 + 2 * HOUR),
        createdBy: TEST_PRINCIPAL,
        createdAt: iso(OPERATOR_API_T0),
        comment: "burner swap",
        active: true,
      });
      expect(await api.deps.silences.get("oven-3-service")).toMatchObject({
        endsAt: OPERATOR_API_T0 + 2 * HOUR,
      });
    });

    it("keeps matching alarms from notifying: the alarm names the silence", async () => {
      await silences("add", "ovens", "--things", "oven-*,kiln-?", "--site", "plant-1", "--duration", "30m");

      const run = await runCli((io) => alarmsCommand(io), ["list", "--json", "--local", api.url]);

      expect((JSON.parse(run.stdout) as AlarmView[])[0]?.silencedBy).toBe("ovens");
    });

    it("takes a window with --from and --until, and prints it for people", async () => {
      const run = await silences(
        "add",
        "line-2-stop",
        "--site",
        "plant-1",
        "--line",
        "line-2",
        "--from",
        "2026-12-01T06:00:00Z",
        "--until",
        "2026-12-01T14:00:00+00:00",
      );

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          "Silence     line-2-stop",
          "Status      upcoming",
          "Matches     site plant-1, line line-2",
          "From        2026-12-01T06:00:00Z",
          "Until       2026-12-01T14:00:00Z",
          `Created by  ${TEST_PRINCIPAL} at 2026-11-25T12:00:00Z`,
          "",
        ].join("\n"),
      );
    });

    it("replaces a silence with the same id", async () => {
      await silences("add", "ovens", "--things", "oven-*", "--duration", "30m");

      await silences("add", "ovens", "--things", "oven-1", "--duration", "1h");

      expect(await listed()).toEqual([
        expect.objectContaining({ id: "ovens", match: { things: ["oven-1"] } }),
      ]);
    });

    it.each([
      [
        ["add", "s1", "--duration", "2h"],
        "error: say what to silence: --things, --site or --line (at least one)",
      ],
      [
        ["add", "s1", "--things", "oven-3"],
        "error: say how long: either --duration or --until (one of them)",
      ],
      [
        ["add", "s1", "--things", "oven-3", "--duration", "2h", "--until", "2026-11-25T18:00:00Z"],
        "error: say how long: either --duration or --until (one of them)",
      ],
      [
        ["add", "s1", "--things", "oven-3", "--until", "2026-11-25T11:00:00Z"],
        "error: --until must be after now",
      ],
      [
        [
          "add",
          "s1",
          "--things",
          "oven-3",
          "--from",
          "2026-11-26T00:00:00Z",
          "--until",
          "2026-11-25T18:00:00Z",
        ],
        "error: --until must be after --from",
      ],
      [
        ["add", "s1", "--things", "oven-3", "--until", "2027-06-01T00:00:00Z"],
        "error: a silence may last at most 90d",
      ],
      [["add", "s1", "--things", "oven-3", "--duration", "91d"], "expected at most 90d"],
      [["add", "s1", "--things", "oven-3", "--until", "tomorrow"], "expected an ISO time with a zone"],
      [
        ["add", "s1", "--things", "oven-3", "--until", "2026-11-25T18:00:00"],
        "expected an ISO time with a zone",
      ],
      [["add", "s1", "--things", "oven 3", "--duration", "2h"], "expected a thing-name glob"],
      [
        ["add", "Oven_Service", "--things", "oven-3", "--duration", "2h"],
        'error: not a silence id: "Oven_Service"',
      ],
      [["remove", "9_bad"], "error: not a silence id"],
    ])("refuses %j before any request (exit 1)", async (args, message) => {
      const run = await offline(...args);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(message);
      expect(recorder.requests).toEqual([]);
    });
  });

  describe("list", () => {
    beforeEach(async () => {
      await silences("add", "now", "--things", "oven-3", "--duration", "1h");
      await silences(
        "add",
        "later",
        "--site",
        "plant-1",
        "--from",
        "2026-11-26T00:00:00Z",
        "--duration",
        "8h",
      );
      await silences("add", "over", "--line", "line-2", "--duration", "10m");
      api.clock.advance(30 * 60_000);
    });

    it("lists active and upcoming silences, not ended ones", async () => {
      expect((await listed()).map((silence) => [silence.id, silence.active])).toEqual([
        ["later", false],
        ["now", true],
      ]);
    });

    it("lists ended ones too with --all", async () => {
      expect((await listed("--all")).map((silence) => silence.id)).toEqual(["later", "now", "over"]);
    });

    it("prints a table for people, saying how many ended", async () => {
      const run = await silences("list");

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          "2 silence(s) (1 ended; --all shows them)",
          "ID     STATUS    MATCH          STARTS                ENDS                  CREATED BY                          COMMENT",
          `later  upcoming  site plant-1   2026-11-26T00:00:00Z  2026-11-26T08:00:00Z  ${TEST_PRINCIPAL}  -`,
          `now    active    things oven-3  2026-11-25T12:00:00Z  2026-11-25T13:00:00Z  ${TEST_PRINCIPAL}  -`,
          "",
        ].join("\n"),
      );
    });
  });

  describe("remove", () => {
    it("deletes a silence", async () => {
      await silences("add", "oven-3-service", "--things", "oven-3", "--duration", "2h");

      const run = await silences("remove", "oven-3-service");

      expect(run).toMatchObject({ code: 0, stdout: "Removed silence oven-3-service.\n" });
      expect(await api.deps.silences.get("oven-3-service")).toBeUndefined();
    });

    it("exits 1 for a silence that does not exist", async () => {
      const run = await silences("remove", "nothing-here");

      expect(run).toMatchObject({
        code: 1,
        stderr: "error: not_found: silence nothing-here does not exist\n",
      });
    });
  });

  it("exits 2 when the API is down", async () => {
    const run = await runCli((io) => silencesCommand(io), ["list", "--local", await closedUrl()]);

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: cannot reach the operator API at /);
  });

  it.each([["list"], ["add"], ["remove"]])("prints help with examples for %s", async (name) => {
    const run = await runCli((io) => silencesCommand(io), [name, "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: silences ${name}[ |]`));
    expect(run.stdout).toContain("Examples:\n  $ plantwatch silences ");
  });
});
