import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's chromium, which `.ci/run` installs; playwright-core brings no browser of its own. */
const CHROMIUM = "/usr/bin/chromium";

/** Headless Chromium for the dashboard tests, or a failure that says how to get it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no chromium at ${CHROMIUM}: the dashboard tests need it; run \`apt-get install chromium\``,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}
