import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arrayLiteral } from "../../../server/src/db/array-literal.ts";
import { isDataError } from "../../../server/src/recording/spool-replayer.ts";
import { createTestDatabase, type TestDatabase } from "../../support/db.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

const same = <T>(v: T): T => v;

async function roundTrip(values: unknown[], type: string): Promise<unknown[]> {
  const { rows } = await db.pool.query<{ v: unknown }>(`SELECT v FROM unnest($1::${type}[]) WITH ORDINALITY AS t(v, i) ORDER BY i`, [
    arrayLiteral(values, same),
  ]);
  return rows.map((r) => r.v);
}

describe("arrayLiteral: batch insert parameters Postgres reads back exactly", () => {
  it("text: quotes, backslashes, separators, braces, blanks, the word NULL, unicode, and real NULLs", async () => {
    const texts = [
      'say "hi"',
      "back\\slash\\",
      "a,b",
      "{x}",
      "",
      " padded ",
      "NULL",
      "null",
      "line\nbreak\ttab",
      "ü-✓-😀",
      null,
      '\\"',
      "'single'",
    ];
    expect(await roundTrip(texts, "text")).toEqual(texts);
  });

  it("numbers (floats to the last bit, negatives, exponents), booleans, jsonb text, numeric strings", async () => {
    const floats = [0.1 + 0.2, -123.456, 1e-7, 5e21, 0, 2 ** 53 - 1, null];
    expect((await roundTrip(floats, "float8")).map((v) => (v === null ? null : Number(v)))).toEqual(floats);
    expect(await roundTrip([1, -2, 2_147_483_647, null], "int4")).toEqual([1, -2, 2_147_483_647, null]);
    expect(await roundTrip([true, false, null], "bool")).toEqual([true, false, null]);
    expect(await roundTrip(["0.0003300000123456", "-1.5", null], "numeric")).toEqual(["0.0003300000123456", "-1.5", null]);
    const json = JSON.stringify({ team: "search", 'quote"d': "line\nbreak", "back\\": [1, { a: null }] });
    expect(await roundTrip([json, null], "jsonb")).toEqual([JSON.parse(json), null]);
  });

  it("dates as the same instant whatever the process time zone; an invalid one is a data error, not a thrown encode", async () => {
    const dates = [new Date("2026-11-26T12:00:00.123Z"), new Date(0), null];
    const back = (await roundTrip(dates, "timestamptz")) as (Date | null)[];
    expect(back.map((d) => d?.getTime() ?? null)).toEqual(dates.map((d) => d?.getTime() ?? null));
    const err = await roundTrip([new Date("not a date")], "timestamptz").catch((e: unknown) => e);
    expect(isDataError(err)).toBe(true);
  });
});
