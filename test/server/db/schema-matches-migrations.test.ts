import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";
import { parsePrismaSchema, type SchemaColumn } from "../../support/prisma-schema.ts";

/**
 * schema.prisma is written by hand beside hand-written migrations (the migrate CLI cannot run here), so
 * nothing but this test keeps the two in step: every table the migrations build must be a model, with the
 * same columns, types, nullability and primary key, and every model must be a table.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

interface DbColumn {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
}

async function databaseTables(): Promise<Map<string, DbColumn[]>> {
  // Partitions (calls_2026_11, calls_default…) are the partitioned table's storage, not tables of their own.
  const rows = await db.prisma.$queryRaw<DbColumn[]>`
    SELECT c.relname AS "table", a.attname AS "column", format_type(a.atttypid, a.atttypmod) AS "type",
           NOT a.attnotnull AS "nullable"
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND c.relname <> '_prisma_migrations'
    ORDER BY c.relname, a.attnum`;
  const tables = new Map<string, DbColumn[]>();
  for (const row of rows) tables.set(row.table, [...(tables.get(row.table) ?? []), row]);
  return tables;
}

async function primaryKey(table: string): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<Array<{ column: string }>>`
    SELECT a.attname AS "column"
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid AND c.relname = ${table}
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
    WHERE i.indisprimary
    ORDER BY k.ord`;
  return rows.map((r) => r.column);
}

function describeColumn(c: SchemaColumn | DbColumn): string {
  return `${c.type}${c.nullable ? " null" : " not null"}`;
}

describe("prisma/schema.prisma", () => {
  const schema = parsePrismaSchema(readFileSync(new URL("../../../prisma/schema.prisma", import.meta.url), "utf8"));

  it("has a model for every table the migrations build, and a table for every model", async () => {
    const tables = await databaseTables();
    expect([...schema.keys()].sort()).toEqual([...tables.keys()].sort());
  });

  it("describes every column of every table: name, type and nullability", async () => {
    const tables = await databaseTables();
    for (const [table, model] of schema) {
      const actual = Object.fromEntries((tables.get(table) ?? []).map((c) => [c.column, describeColumn(c)]));
      const expected = Object.fromEntries(model.columns.map((c) => [c.column, describeColumn(c)]));
      expect({ table, columns: expected }).toEqual({ table, columns: actual });
    }
  });

  it("has each table's primary key", async () => {
    for (const [table, model] of schema) {
      expect({ table, primaryKey: model.primaryKey }).toEqual({ table, primaryKey: await primaryKey(table) });
    }
  });
});
