// Runs `prisma generate` offline. The Prisma CLI wants to download a native schema engine before any
// command, but generate never uses it; pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub skips the download.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const root = new URL("..", import.meta.url).pathname;
const prismaBin = join(root, "node_modules", ".bin", "prisma");
if (!existsSync(prismaBin)) {
  // `npm ci --omit=dev` (production image): the client was generated in the build stage.
  console.log("prisma CLI not installed; skipping generate");
  process.exit(0);
}
const stubDir = join(tmpdir(), "tollgate-prisma-stub");
mkdirSync(stubDir, { recursive: true });
const stub = join(stubDir, "schema-engine");
writeFileSync(stub, "#!/bin/sh\necho 'schema engine not available offline' >&2\nexit 1\n");
chmodSync(stub, 0o755);

const result = spawnSync(prismaBin, ["generate"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: stub, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
process.exit(result.status ?? 1);
