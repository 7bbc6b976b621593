import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // Integration tests start servers and databases; each file gets its own database.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["test/support/global-setup.ts"],
    reporters: ["default", "./test/support/count-reporter.ts"],
    pool: "forks",
  },
});
