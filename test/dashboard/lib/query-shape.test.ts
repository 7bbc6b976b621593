import { describe, expect, it } from "vitest";
import { queryShape, sameQueryShape } from "../../../dashboard/src/lib/query-shape.ts";

describe("queryShape", () => {
  it("drops the time window and orders the rest", () => {
    expect(queryShape("/api/spend?from=a&to=b&interval=hour&groupBy=app")).toBe("/api/spend?groupBy=app&interval=hour");
    expect(queryShape("/api/prices")).toBe("/api/prices");
    expect(queryShape("/api/calls?from=a&to=b")).toBe("/api/calls");
  });
  it("treats a moved window as the same question, anything else as a new one", () => {
    expect(sameQueryShape("/api/spend?from=1&to=2&groupBy=app", "/api/spend?groupBy=app&from=3&to=4")).toBe(true);
    expect(sameQueryShape("/api/spend?from=1&to=2&groupBy=app", "/api/spend?from=1&to=2&groupBy=model")).toBe(false);
    expect(sameQueryShape("/api/calls?from=1&cursor=x", "/api/calls?from=2")).toBe(false);
    expect(sameQueryShape("/api/calls/a", "/api/calls/b")).toBe(false);
    expect(sameQueryShape(null, "/api/prices")).toBe(false);
  });
});
