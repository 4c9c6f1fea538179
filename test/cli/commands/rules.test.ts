import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DynamoDbRuleRepository } from "../../../shared/adapters/aws/dynamoDbRuleRepository.ts";
import { loadRuleFile } from "../../../shared/contracts/loadRuleFile.ts";
import { type LocalDynamo, startDynalite } from "../../support/dynalite.ts";
import { createRulesTable } from "../../support/dynaliteTables.ts";
import { EXAMPLE, OVEN, plantwatchRules, ROOT } from "./rulesHarness.ts";

const WRITES = ["BatchWriteItem", "UpdateItem", "PutItem", "DeleteItem"];

describe("plantwatch rules", () => {
  let dynamo: LocalDynamo;
  let tableName: string;
  let counter = 0;
  // The server's log of operations, from the last reset on.
  let mark = 0;
  const resetOperations = () => {
    mark = dynamo.operations.length;
  };
  const operations = () => dynamo.operations.slice(mark);
  const directory = mkdtempSync(join(tmpdir(), "plantwatch-rules-"));
  const file = (name: string, text: string) => {
    const path = join(directory, name);
    writeFileSync(path, text);
    return path;
  };
  const target = () => ["--endpoint", dynamo.endpoint, "--table", tableName];
  const stored = async () =>
    (await new DynamoDbRuleRepository({ tableName, client: dynamo.client }).list()).map(
      (rule) => rule.document,
    );
  const writes = () => operations().filter((operation) => WRITES.includes(operation));
  const documentsOf = (text: string) => {
    const loaded = loadRuleFile(text, "x.yaml");
    return loaded.ok ? [...loaded.documents].sort((a, b) => (a.id < b.id ? -1 : 1)) : [];
  };

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.stop();
  });
  beforeEach(async () => {
    tableName = await createRulesTable(dynamo, `cli-rules-${++counter}`);
    resetOperations();
  });

  describe("validate", () => {
    it("accepts the example file without any AWS access", async () => {
      const run = await plantwatchRules(["validate", "-f", EXAMPLE]);

      expect(run).toMatchObject({ code: 0, stdout: `${EXAMPLE}: 9 rule(s), valid\n`, stderr: "" });
    });

    it("reports every problem with its file, line and path, and exits 1", async () => {
      const path = file(
        "broken.yaml",
        OVEN.replace('op: ">"', 'op: "=>"').replace("after: 5m", "window: 5m"),
      );

      const run = await plantwatchRules(["validate", "-f", path]);

      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        [
          `${path}:6:16: rules[0].condition.op: must be one of >, >=, <, <=, ==, !=, inside, outside`,
          `${path}:11:3: rules[1].window: is not allowed on an offline rule (only on rate rules)`,
          `error: ${path}: 2 problem(s); nothing was changed`,
          "",
        ].join("\n"),
      );
    });

    it("reads stdin with -f -", async () => {
      const run = await plantwatchRules(["validate", "-f", "-"], {
        stdin: JSON.stringify(documentsOf(OVEN)),
      });

      expect(run).toMatchObject({ code: 0, stdout: "<stdin>: 2 rule(s), valid\n" });
    });

    it("exits 1 for a file that does not exist", async () => {
      const run = await plantwatchRules(["validate", "-f", join(directory, "missing.yaml")]);

      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/^error: cannot read .*missing\.yaml: ENOENT/);
    });
  });

  describe("apply", () => {
    it("shows the diff and writes the rules", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--yes", ...target()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain(
        [
          "+ machine-offline  (offline, major: Machine offline)",
          "+ oven-overheat  (threshold temperature, critical: Oven temperature too high)",
          "Plan: 2 to add, 0 to change, 0 to delete, 0 unchanged.",
        ].join("\n"),
      );
      expect(run.stdout).toMatch(/Applied: 2 added, 0 changed, 0 deleted\. Rules version [0-9a-f]{16};/);
      expect(await stored()).toEqual(documentsOf(OVEN));
    });

    it("applies the example file", async () => {
      const run = await plantwatchRules(["apply", "-f", EXAMPLE, "--yes", ...target()]);

      expect(run.code).toBe(0);
      expect(await stored()).toEqual(documentsOf(readFileSync(EXAMPLE, "utf8")));
    });

    it("shows changes field by field and keeps rules missing from the file unless pruning", async () => {
      await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--yes", ...target()]);
      const changed = file(
        "changed.yaml",
        OVEN.split("- id: machine-offline")[0]?.replace("250", "260") ?? "",
      );

      const kept = await plantwatchRules(["apply", "-f", changed, "--yes", ...target()]);
      const pruned = await plantwatchRules(["apply", "-f", changed, "--yes", "--prune", ...target()]);

      expect(kept.stdout).toContain(
        [
          "~ oven-overheat",
          "    condition.value: 250 → 260",
          "  machine-offline  (not in file, kept; --prune deletes it)",
          "Plan: 0 to add, 1 to change, 0 to delete, 0 unchanged, 1 not in file (kept).",
        ].join("\n"),
      );
      expect(pruned.stdout).toContain(
        ["- machine-offline", "Plan: 0 to add, 0 to change, 1 to delete, 1 unchanged."].join("\n"),
      );
      expect((await stored()).map((document) => (document as { id: string }).id)).toEqual(["oven-overheat"]);
    });

    it("changes nothing when the table already matches the file", async () => {
      const path = file("oven.yaml", OVEN);
      await plantwatchRules(["apply", "-f", path, "--yes", ...target()]);
      resetOperations();

      const run = await plantwatchRules(["apply", "-f", path, ...target()]);

      expect(run).toMatchObject({ code: 0, questions: [] });
      expect(run.stdout).toContain(
        "Plan: 0 to add, 0 to change, 0 to delete, 2 unchanged.\nNo changes to apply.\n",
      );
      expect(writes()).toEqual([]);
    });

    it("only shows the changes with --dry-run", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--dry-run", ...target()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toContain("+ oven-overheat");
      expect(run.stdout).toContain("Dry run: nothing was changed.");
      expect(writes()).toEqual([]);
      expect(await stored()).toEqual([]);
    });

    it("writes nothing for a broken file, naming the path, and exits 1", async () => {
      const broken = file(
        "broken.yaml",
        `${OVEN}- id: kiln\n  name: Kiln\n  severity: major\n  kind: rate\n`,
      );

      const run = await plantwatchRules(["apply", "-f", broken, "--yes", ...target()]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain(`${broken}:12:3: rules[2].metric: is required`);
      expect(run.stderr).toContain("nothing was changed");
      expect(operations()).toEqual([]);
    });

    it("refuses to apply without --yes when there is no terminal to ask", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), ...target()]);

      expect(run.code).toBe(1);
      expect(run.stdout).toContain("+ oven-overheat");
      expect(run.stderr).toBe(
        "error: no terminal to confirm the changes: pass --yes to apply them (or --dry-run to only show)\n",
      );
      expect(writes()).toEqual([]);
    });

    it("asks on a terminal and applies on yes", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), ...target()], {
        interactive: true,
        answer: true,
      });

      expect(run).toMatchObject({ code: 0, questions: [`Apply these changes to ${tableName}? [y/N] `] });
      expect(await stored()).toHaveLength(2);
    });

    it("changes nothing when the answer is no", async () => {
      const run = await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), ...target()], {
        interactive: true,
        answer: false,
      });

      expect(run).toMatchObject({ code: 1, stderr: "error: cancelled: nothing was changed\n" });
      expect(writes()).toEqual([]);
    });

    it("exits 1 without the file option", async () => {
      const run = await plantwatchRules(["apply", ...target()]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("required option '-f, --file <path>' not specified");
    });

    it("exits 1 for a local endpoint without a table name", async () => {
      const run = await plantwatchRules([
        "apply",
        "-f",
        file("oven.yaml", OVEN),
        "--endpoint",
        dynamo.endpoint,
      ]);

      expect(run).toMatchObject({
        code: 1,
        stderr: "error: --endpoint needs --table: a local endpoint has no stack outputs\n",
      });
    });

    it("exits 1 for an endpoint that is not a URL", async () => {
      const run = await plantwatchRules(["list", "--endpoint", "localhost", "--table", tableName]);

      expect(run.code).toBe(1);
      expect(run.stderr).toContain("expected a URL such as http://localhost:8000");
    });

    it("exits 2 when DynamoDB fails", async () => {
      const run = await plantwatchRules([
        "apply",
        "-f",
        file("oven.yaml", OVEN),
        "--yes",
        "--endpoint",
        dynamo.endpoint,
        "--table",
        "no-such-table",
      ]);

      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error: ResourceNotFoundException: /);
    });
  });

  describe("list", () => {
    it("prints the stored documents as JSON that apply accepts", async () => {
      await plantwatchRules(["apply", "-f", EXAMPLE, "--yes", ...target()]);

      const run = await plantwatchRules(["list", "--json", ...target()]);
      const again = await plantwatchRules(["apply", "-f", "-", ...target()], { stdin: run.stdout });

      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual(documentsOf(readFileSync(EXAMPLE, "utf8")));
      expect(again.stdout).toContain("No changes to apply.");
    });

    it("prints a table with the version", async () => {
      await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--yes", ...target()]);

      const run = await plantwatchRules(["list", ...target()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        new RegExp(`^Table ${tableName}, rules version [0-9a-f]{16}: 2 rule\\(s\\)\n`),
      );
      expect(run.stdout).toContain(
        [
          "ID               KIND       SEVERITY  METRIC       NAME",
          "machine-offline  offline    major     -            Machine offline",
          "oven-overheat    threshold  critical  temperature  Oven temperature too high",
        ].join("\n"),
      );
    });

    it("prints an empty list for an empty table", async () => {
      const run = await plantwatchRules(["list", "--json", ...target()]);

      expect(run).toMatchObject({ code: 0, stdout: "[]\n" });
    });
  });

  describe("delete", () => {
    it("deletes rules by id", async () => {
      await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--yes", ...target()]);

      const run = await plantwatchRules(["delete", "oven-overheat", ...target()]);

      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Deleted oven-overheat\. Rules version [0-9a-f]{16};/);
      expect((await stored()).map((document) => (document as { id: string }).id)).toEqual([
        "machine-offline",
      ]);
    });

    it("deletes none and exits 1 when an id is unknown", async () => {
      await plantwatchRules(["apply", "-f", file("oven.yaml", OVEN), "--yes", ...target()]);
      resetOperations();

      const run = await plantwatchRules(["delete", "oven-overheat", "kiln", ...target()]);

      expect(run).toMatchObject({
        code: 1,
        stderr: `error: no rule kiln in ${tableName}; nothing was deleted\n`,
      });
      expect(writes()).toEqual([]);
    });

    it("refuses the version item", async () => {
      const run = await plantwatchRules(["delete", "#ruleset", ...target()]);

      expect(run.code).toBe(1);
      expect(operations()).toEqual([]);
    });
  });

  it.each([["validate"], ["apply"], ["list"], ["delete"]])("prints help for %s", async (name) => {
    const run = await plantwatchRules([name, "--help"]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: rules ${name} `));
  });

  it("runs as the real command: no terminal, no --yes, exit 1 and nothing written", async () => {
    const path = file("oven.yaml", OVEN);
    const bin = join(ROOT, "cli/bin.ts");

    const refused = await runBin([bin, "rules", "apply", "-f", path, ...target()]);
    const listed = await runBin([bin, "rules", "list", "--json", ...target()]);

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("pass --yes");
    expect(listed).toMatchObject({ code: 0, stdout: "[]\n" });
  });
});

function runBin(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ["--import", "tsx", ...args], (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}
