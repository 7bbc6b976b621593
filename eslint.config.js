import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "dashboard/dist/", "server/src/generated/", "coverage/", "bench/results/", "bench/.scratch/", "test/artifacts/"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Only server/src/config.ts reads process.env (parse it once there)." },
      ],
    },
  },
  {
    // Entry points, tooling and tests may read the environment directly.
    files: ["server/src/config.ts", "server/src/main.ts", "server/src/cli.ts", "scripts/**", "bench/**", "test/**", "prisma.config.ts", "vitest.config.ts", "dashboard/vite.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
);
