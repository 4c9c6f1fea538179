import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

const GOLDEN_DIR = new URL("./golden/", import.meta.url);

/**
 * Compares `actual` with `<directory>/<name>` (default `golden/` beside this file). A missing file is written (to be read by eye and
 * committed) except under CI, where it fails: CI must never approve its own output. `UPDATE_GOLDEN=1`
 * rewrites files after a deliberate change. `.json` files are compared as JSON, so reformatting
 * them (biome) changes nothing; `.txt` files byte for byte.
 */
export function expectGolden(name: string, actual: string | object, directory: URL = GOLDEN_DIR): void {
  const file = new URL(name, directory);
  const text = typeof actual === "string" ? `${actual}\n` : `${JSON.stringify(actual, null, 2)}\n`;
  const update = process.env.UPDATE_GOLDEN === "1";
  if (!existsSync(file) || update) {
    if (process.env.CI) {
      throw new Error(
        `golden file ${name} is ${update ? "not to be rewritten" : "missing"} under CI: run the test locally, read the file it writes and commit it`,
      );
    }
    mkdirSync(directory, { recursive: true });
    writeFileSync(file, text);
    return;
  }
  const golden = readFileSync(file, "utf8");
  if (typeof actual === "string") expect(text, `golden/${name}`).toBe(golden);
  else expect(JSON.parse(JSON.stringify(actual)), `golden/${name}`).toStrictEqual(JSON.parse(golden));
}
