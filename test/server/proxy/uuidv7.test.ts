import { describe, expect, it } from "vitest";
import { uuidv7, uuidv7Time } from "../../../server/src/lib/uuidv7.ts";

describe("uuidv7", () => {
  it("is an RFC 9562 version 7 UUID carrying the given millisecond", () => {
    const ms = Date.UTC(2026, 10, 27, 0, 45, 12, 345);
    const id = uuidv7(ms);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id.slice(0, 13)).toBe(`${ms.toString(16).padStart(12, "0").slice(0, 8)}-${ms.toString(16).padStart(12, "0").slice(8)}`);
    expect(uuidv7Time(id)).toBe(ms);
  });

  it("sorts by time and does not repeat across many ids (the random pool is refilled)", () => {
    const ids = new Set<string>();
    let previous = "";
    for (let i = 0; i < 20_000; i++) {
      const id = uuidv7(1_700_000_000_000 + i);
      expect(id > previous).toBe(true);
      previous = id;
      ids.add(id);
    }
    const sameMs = Array.from({ length: 5_000 }, () => uuidv7(1_800_000_000_000));
    for (const id of sameMs) ids.add(id);
    expect(ids.size).toBe(25_000);
  });
});
