import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LOCAL_API_URL } from "../../../cli/api/apiTarget.ts";
import { loadRuleFile } from "../../../shared/contracts/loadRuleFile.ts";
import { closedUrl, startRecordingServer } from "../../support/cliHarness.ts";
import { startLocalServer } from "../../support/localHttpServer.ts";
import { startTestOperatorApi, type TestOperatorApi } from "../../support/operatorApi.ts";
import { EXAMPLE, OVEN, plantwatchRules } from "./rulesHarness.ts";

const WRITES = ["BatchWriteItem", "UpdateItem", "PutItem", "DeleteItem", "TransactWriteItems"];

describe("plantwatch rules --local", () => {
  let api: TestOperatorApi;
  let mark = 0;
  const directory = mkdtempSync(join(tmpdir(), "plantwatch-rules-local-"));
  const file = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };
  const local = () => ["--local", api.url];
  const stored = async () => (await api.deps.rules.list()).map((rule) => rule.document);
  const storedIds = async () => (await api.deps.rules.list()).map((rule) => rule.id);
  const resetOperations = () => {
    mark = api.dynamo.operations.length;
  };
  const writes = () => api.dynamo.operations.slice(mark).filter((operation) => WRITES.includes(operation));
  const documentsOf = (text: string) => {
    const loaded = loadRuleFile(text, "x.yaml");
    return loaded.ok ? [...loaded.documents].sort((a, b) => (a.id < b.id ? -1 : 1)) : [];
  };

  beforeEach(async () => {
    api = await startTestOperatorApi({ basePath: "/api" });
    resetOperations();
  });
  afterEach(async () => {
    await api.close();
  });

  describe("apply", () => {
    it("shows the diff and writes the rules through the API", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--yes", ...local()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        [
          `API ${api.url}, rules file ${directory}/oven.yaml:`,
          "+ machine-offline  (offline, major: Machine offline)",
          "+ oven-overheat  (threshold temperature, critical: Oven temperature too high)",
          "Plan: 2 to add, 0 to change, 0 to delete, 0 unchanged.",
        ].join("\n"),
      );
      expect(run.stdout).toMatch(/Applied: 2 added, 0 changed, 0 deleted\. Rules version [0-9a-f]{16};/);
      expect(run.stdout).toContain(`Rules version ${await api.deps.rules.version()};`);
      expect(await stored()).toEqual(documentsOf(OVEN));
    });

    it("applies the example file", async () => {
      const run = await plantwatchRules(["apply", "-f", EXAMPLE, "--yes", ...local()]);

      expect(run.code).toBe(0);
      expect(await stored()).toEqual(documentsOf(readFileSync(EXAMPLE, "utf8")));
    });

    it("shows changes field by field and keeps rules missing from the file unless pruning", async () => {
      await api.applyRules(documentsOf(OVEN));
      const changed = file(
        "changed.yaml",
        OVEN.split("- id: machine-offline")[0]?.replace("250", "260") ?? "",
      );

      const kept = await plantwatchRules(["apply", "-f", changed, "--yes", ...local()]);
      const keptIds = await storedIds();
      const pruned = await plantwatchRules(["apply", "-f", changed, "--yes", "--prune", ...local()]);

      expect(kept.stdout).toContain(
        [
          "~ oven-overheat",
          "    condition.value: 250 → 260",
          "  machine-offline  (not in file, kept; --prune deletes it)",
          "Plan: 0 to add, 1 to change, 0 to delete, 0 unchanged, 1 not in file (kept).",
        ].join("\n"),
      );
      expect(kept.stdout).toMatch(/Applied: 0 added, 1 changed, 0 deleted\./);
      expect(keptIds).toEqual(["machine-offline", "oven-overheat"]);
      expect(pruned.stdout).toContain(
        ["- machine-offline", "Plan: 0 to add, 0 to change, 1 to delete, 1 unchanged."].join("\n"),
      );
      expect(pruned.stdout).toMatch(/Applied: 0 added, 0 changed, 1 deleted\./);
      expect(await stored()).toEqual([
        expect.objectContaining({ id: "oven-overheat", condition: { op: ">", value: 260 } }),
      ]);
    });

    it("changes nothing when the rules already match the file", async () => {
      await api.applyRules(documentsOf(OVEN));
      resetOperations();

      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), ...local()]);

      expect(run).toMatchObject({ code: 0, questions: [] });
      expect(run.stdout).toContain(
        "Plan: 0 to add, 0 to change, 0 to delete, 2 unchanged.\nNo changes to apply.\n",
      );
      expect(writes()).toEqual([]);
    });

    it("only shows the changes with --dry-run", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--dry-run", ...local()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain("+ oven-overheat");
      expect(run.stdout).toContain("Dry run: nothing was changed.");
      expect(writes()).toEqual([]);
    });

    it("refuses to apply without --yes when there is no terminal to ask", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), ...local()]);

      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "error: no terminal to confirm the changes: pass --yes to apply them (or --dry-run to only show)\n",
      );
      expect(writes()).toEqual([]);
    });

    it("asks on a terminal, naming the API, and applies on yes", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), ...local()], {
        interactive: true,
        answer: true,
      });

      expect(run).toMatchObject({ code: 0, questions: [`Apply these changes to ${api.url}? [y/N] `] });
      expect(await storedIds()).toEqual(["machine-offline", "oven-overheat"]);
    });

    it("sends no request for a broken file and exits 1", async () => {
      const recorder = await startRecordingServer();
      try {
        const broken = file(
          "broken.yaml",
          `${OVEN}- id: kiln\n  name: Kiln\n  severity: major\n  kind: rate\n`,
        );

        const run = await plantwatchRules([
          "apply",
          "-f",
          broken,
          "--yes",
          "--local",
          `${recorder.endpoint}/api`,
        ]);

        expect(run.code).toBe(1);
        expect(run.stderr).toContain(`${broken}:12:3: rules[2].metric: is required`);
        expect(recorder.requests).toEqual([]);
      } finally {
        await recorder.stop();
      }
    });

    it("exits 2 when the API fails, naming the changes made before the failure", async () => {
      await api.applyRules(documentsOf(OVEN));
      let puts = 0;
      // GET /rules answers as the real API; the second PUT fails.
      const flaky = await startLocalServer(async (request) => {
        if (request.method === "GET") {
          const response = await fetch(`${api.url}/rules`);
          return { status: response.status, body: await response.text() };
        }
        puts++;
        return puts === 1
          ? { status: 200, body: "{}" }
          : { status: 500, body: JSON.stringify({ error: { code: "internal", message: "boom" } }) };
      });
      try {
        const changed = file("changed.yaml", OVEN.replace("250", "260").replace("5m", "10m"));

        const run = await plantwatchRules([
          "apply",
          "-f",
          changed,
          "--yes",
          "--local",
          `${flaky.endpoint}/api`,
        ]);

        expect(run.code).toBe(2);
        expect(run.stderr).toBe("error: internal: boom (made before it: put machine-offline)\n");
      } finally {
        await flaky.stop();
      }
    });
  });

  describe("list", () => {
    it("prints the rules as JSON that apply accepts", async () => {
      await api.applyRules(documentsOf(readFileSync(EXAMPLE, "utf8")));

      const run = await plantwatchRules(["list", "--json", ...local()]);
      const again = await plantwatchRules(["apply", "-f", "-", ...local()], { stdin: run.stdout });

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(documentsOf(readFileSync(EXAMPLE, "utf8")));
      expect(again.stdout).toContain("No changes to apply.");
    });

    it("prints a table with the version", async () => {
      await api.applyRules(documentsOf(OVEN));

      const run = await plantwatchRules(["list", ...local()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        [
          `API ${api.url}, rules version ${await api.deps.rules.version()}: 2 rule(s)`,
          "ID               KIND       SEVERITY  METRIC       NAME",
          "machine-offline  offline    major     -            Machine offline",
          "oven-overheat    threshold  critical  temperature  Oven temperature too high",
          "",
        ].join("\n"),
      );
    });

    it("prints an empty list when no rules were applied", async () => {
      const json = await plantwatchRules(["list", "--json", ...local()]);
      const table = await plantwatchRules(["list", ...local()]);

      expect(json).toMatchObject({ code: 0, stdout: "[]\n" });
      expect(table).toMatchObject({
        code: 0,
        stdout: `API ${api.url}, rules version (none applied yet): 0 rule(s)\n`,
      });
    });
  });

  describe("delete", () => {
    it("deletes rules by id", async () => {
      await api.applyRules(documentsOf(OVEN));

      const run = await plantwatchRules(["delete", "oven-overheat", ...local()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toBe(
        `Deleted oven-overheat. Rules version ${await api.deps.rules.version()}; running functions pick the change up within 60 s.\n`,
      );
      expect(await storedIds()).toEqual(["machine-offline"]);
    });

    it("deletes none and exits 1 when an id is unknown", async () => {
      await api.applyRules(documentsOf(OVEN));
      resetOperations();

      const run = await plantwatchRules(["delete", "oven-overheat", "kiln", ...local()]);

      expect(run).toMatchObject({
        code: 1,
        stderr: `error: no rule kiln in ${api.url}; nothing was deleted\n`,
      });
      expect(writes()).toEqual([]);
    });
  });

  describe("target", () => {
    let down: string;

    beforeAll(async () => {
      down = await closedUrl();
    });

    it("exits 2 with a hint when the local stack is not running", async () => {
      const run = await plantwatchRules(["list", "--local", down]);

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(
        /^error: cannot reach the operator API at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED \(is the local stack running\? start it with npm start\)\n$/,
      );
    });

    it("exits 1 for --local with --table or --endpoint", async () => {
      const withTable = await plantwatchRules(["list", "--local", "--table", "rules"]);
      const withEndpoint = await plantwatchRules(["list", "--local", down, "--endpoint", down]);

      expect(withTable.code).toBe(1);
      expect(withTable.stderr).toContain("cannot be used with option '--table <name>'");
      expect(withEndpoint.code).toBe(1);
      expect(withEndpoint.stderr).toContain("cannot be used with option '--endpoint <url>'");
    });

    it("exits 1 for a --local that is not a URL", async () => {
      const run = await plantwatchRules(["list", "--local", "localhost:8080"]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`expected a URL such as ${LOCAL_API_URL}`);
    });

    it.each([["apply"], ["list"], ["delete"]])(
      "documents --local and its default in the help of %s",
      async (name) => {
        const run = await plantwatchRules([name, "--help"]);

        expect(run.stdout).toContain("--local [url]");
        expect(run.stdout).toContain(LOCAL_API_URL);
      },
    );
  });
});
