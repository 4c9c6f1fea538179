import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const run = promisify(execFile);

/** The smoke test the issue asks for: `npm run bench` runs every part once, briefly; no figure is judged. */
describe("bench/run.ts --quick", () => {
  const dir = mkdtempSync(join(tmpdir(), "plantwatch-bench-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every part once and writes the results file", async () => {
    const out = join(dir, "results.json");
    const { stdout } = await run(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--quick", "--out", out],
      { maxBuffer: 16 * 1024 * 1024, timeout: 170_000 },
    );

    const results = JSON.parse(readFileSync(out, "utf8"));
    expect(results.machine).toMatchObject({ quick: true, cores: expect.any(Number), node: process.version });
    expect(results.ingest.cases).toHaveLength(4);
    expect(results.ingest.cases.every((c: { ratio: number }) => c.ratio > 0)).toBe(true);
    expect(results.alarms.rows.map((r: { rules: number }) => r.rules)).toEqual([10, 1_000, 10_000]);
    expect(results.bundles.map((b: { name: string }) => b.name)).toEqual([
      "ingest",
      "evaluate",
      "sweep",
      "notify",
      "api",
    ]);
    expect(results.endToEnd.burst).toMatchObject({ lost: 0 });
    expect(results.endToEnd.latency[0].events).toBe(results.endToEnd.latency[0].messages);
    expect(results.endToEnd.problems).toEqual([]);
    expect(stdout).toContain("results written to");
  }, 180_000);
});
