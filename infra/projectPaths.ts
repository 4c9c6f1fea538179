import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: functions are bundled from here, and cdk.json lives here. */
export const PROJECT_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The `context` of the repository's cdk.json (configuration and feature flags). */
export function readCdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, "cdk.json"), "utf8")) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
}
