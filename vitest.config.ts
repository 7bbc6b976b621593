import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.{ts,tsx}"],
    // Integration tests start servers and databases; each file gets its own database.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/setup-dom.ts"],
    // expect.poll waits for a condition; its default of 1 s is too short on a loaded machine.
    expect: { poll: { timeout: 20_000 } },
    reporters: ["default", "./test/support/count-reporter.ts"],
    pool: "forks",
  },
});
