import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Sandbox tests bind ports and write state folders; two workers match this 2-core machine.
    maxWorkers: 2,
  },
});
