import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Synthesizing the app bundles every function with esbuild; give those files room on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
