import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readCdkJsonContext } from "../../../infra/projectPaths.ts";

/** The context of the repository's cdk.json (what `cdk synth` runs with), plus `extra` (e.g. a stage). */
export function cdkJsonContext(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...readCdkJsonContext(), ...extra };
}

const created: string[] = [];

/** A fresh cloud assembly directory per synthesis, so reports never mix. */
export function tempOutdir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `plantwatch-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes the directories `tempOutdir` made (call in `afterAll`). */
export function removeTempOutdirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}
