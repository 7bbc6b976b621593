// The dashboard reads the server's response types type-only: no statement under dashboard/src may import
// server code at run time (it would land in the bundle), and api.ts stays a thin index of api/.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = new URL("../../../dashboard/src", import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

/** Every import/export statement's text that names a module under server/. */
function serverImports(source: string): string[] {
  const statements = source.match(/^(?:import|export)\b[^;]*?from\s+["'][^"']*["'];?/gms) ?? [];
  return statements.filter((s) => /from\s+["'][^"']*\/server\/src\//.test(s));
}

describe("dashboard ↔ server contract", () => {
  it("finds runtime imports of server code", () => {
    expect(serverImports('import { OUTCOMES } from "../../server/src/recording/call-record.ts";')).toHaveLength(1);
    expect(serverImports('import type { Call } from "../../server/src/api/contract.ts";')).toHaveLength(1);
    expect(serverImports('import { x } from "./api.ts";')).toHaveLength(0);
  });

  it("imports server modules type-only", () => {
    const runtime = files(SRC).flatMap((f) =>
      serverImports(readFileSync(f, "utf8"))
        .filter((s) => !/^(?:import|export)\s+type\b/.test(s))
        .map((s) => `${f}: ${s}`),
    );
    expect(runtime).toEqual([]);
  });

  it("takes the call and report types from the server's contract module", () => {
    const types = readFileSync(join(SRC, "api", "types.ts"), "utf8");
    expect(types).toMatch(/export type \{[^}]*\bCall\b[^}]*\} from "\.\.\/\.\.\/\.\.\/server\/src\/api\/contract\.ts"/s);
    expect(types).not.toMatch(/export interface (Call|CallDetail|Price|LatencyResponse|FailuresResponse|SpendResponse)\b/);
  });

  it("declares no response shape of its own: budgets, keys, statements, forecast, audit come from the contract too", () => {
    const types = readFileSync(join(SRC, "api", "types.ts"), "utf8");
    for (const name of [
      "BudgetsResponse",
      "KeysResponse",
      "StatementResponse",
      "ForecastResponse",
      "AuditResponse",
      "BudgetNoticesResponse",
    ])
      expect(types).toMatch(
        new RegExp(`export type \\{[^}]*\\b${name}\\b[^}]*\\} from "\\.\\./\\.\\./\\.\\./server/src/api/contract\\.ts"`, "s"),
      );
    // a request type derived from a server type (NewPrice) is allowed; an interface written by hand is not
    expect(types).not.toMatch(/\binterface\b/);
    const elsewhere = files(SRC).filter((f) => /export interface \w+Response\b/.test(readFileSync(f, "utf8")));
    expect(elsewhere).toEqual([]);
  });
});
