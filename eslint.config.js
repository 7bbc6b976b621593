import tseslint from "typescript-eslint";
import importX from "eslint-plugin-import-x";
import reactHooks from "eslint-plugin-react-hooks";

// The server's layers, lowest first (docs/architecture.md): a module imports from its own layer and the
// layers below it, never from above — so lower layers can be read, tested and changed without the upper ones.
const LAYERS = [
  ["lib"],
  ["domain"],
  ["db", "generated"],
  ["books", "audit"],
  ["pricing"],
  ["estimation"],
  ["providers"],
  ["config", "config.ts"],
  ["metrics", "tracing", "rollups"],
  ["recording"],
  ["proxy"],
  ["integrations"],
  ["reports"],
  ["access"],
  ["reconciliation"],
  ["api"],
  ["app.ts", "readiness.ts", "heap-growth.ts", "server.ts", "main.ts", "tollgate.ts", "cli", "cli.ts"],
];
const LAYER_ZONES = LAYERS.slice(0, -1).flatMap((layer, i) =>
  layer.map((name) => ({
    target: `./server/src/${name}`,
    from: LAYERS.slice(i + 1)
      .flat()
      .map((above) => `./server/src/${above}`),
    message: `server/src/${name} may import only from its own layer and the ones below it (LAYERS): move the shared piece down, or pass it in.`,
  })),
);

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "dashboard/dist/",
      "server/src/generated/",
      "coverage/",
      "bench/results/",
      "bench/.scratch/",
      "test/artifacts/",
      "eslint.config.js",
      "scripts/*.mjs",
    ],
  },
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".tsx", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts", ".tsx"] },
      "import-x/resolver-next": [importX.createNodeResolver({ extensions: [".ts", ".tsx", ".js", ".mjs"] })],
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // A promise nobody awaits loses its rejection: handle it, or say `void` where fire-and-forget is meant.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false, attributes: false } }],
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { zones: LAYER_ZONES }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Only server/src/config.ts reads process.env (parse it once there)." },
      ],
    },
  },
  {
    // Still builds the admin routers: they move to api/ (then this exception goes).
    files: ["server/src/access/index.ts"],
    rules: { "import-x/no-restricted-paths": "off" },
  },
  {
    // Plain-JS entry files outside the TypeScript project: linted without type information.
    files: ["**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ["dashboard/**/*.{ts,tsx}", "test/dashboard/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "error" },
  },
  {
    // Entry points, tooling and tests may read the environment directly.
    files: [
      "server/src/config.ts",
      "server/src/main.ts",
      "server/src/cli.ts",
      "scripts/**",
      "bench/**",
      "test/**",
      "prisma.config.ts",
      "vitest.config.ts",
      "dashboard/vite.config.ts",
    ],
    rules: { "no-restricted-properties": "off" },
  },
);
