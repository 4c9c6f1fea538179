import { defineConfig } from "vitest/config";
import { SummaryReporter } from "./test/support/summaryReporter.ts";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    reporters: ["default", new SummaryReporter()],
    // Synthesizing the app bundles every function with esbuild; give those files room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
