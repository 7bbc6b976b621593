// The pg pool is used directly only where Prisma cannot serve (docs/architecture.md, "Data layer"): this
// keeps the list in that document true, and keeps routers out of access/ and pg out of api/.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../../server/src", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return e.name === "generated" ? [] : files(join(dir, e.name));
    return /\.ts$/.test(e.name) ? [join(dir, e.name)] : [];
  });
}

const importing = (pattern: RegExp) =>
  files(SRC)
    .filter((f) => pattern.test(readFileSync(f, "utf8")))
    .map((f) => relative(SRC, f))
    .sort();

/** Each with its reason in docs/architecture.md. */
const PG_USERS = [
  "access/budget-guard.ts", // the ledger's pool: reservations, holds
  "access/budget-ledger.ts",
  "access/budget-store.ts",
  "access/configured-budgets.ts",
  "access/index.ts", // builds the ledger's asynchronous-commit pool
  "db/advisory-lock.ts",
  "db/client.ts",
  "db/migrate.ts",
  "db/partitions.ts",
  "db/reports-database.ts",
  "pricing/fee-seed.ts", // array-literal batch inserts
  "pricing/price-seed.ts",
  "recording/call-writer.ts",
  "recording/durable-recorder.ts",
  "rollups/budget-settlement.ts",
  "rollups/rollup-rebuild.ts",
];

describe("the data layer", () => {
  it("imports pg only where Prisma cannot serve", () => {
    expect(importing(/from "pg"/)).toEqual(PG_USERS);
  });

  it("builds no router outside api/ and mounts them in one place", () => {
    expect(importing(/from "express"/).filter((f) => !f.startsWith("api/") && f !== "app.ts" && !f.startsWith("lib/"))).toEqual([
      "readiness.ts",
    ]);
    const mounts = importing(/\.use\("\/api"/);
    expect(mounts).toEqual(["app.ts"]);
  });
});
