// A fetch stub for component tests: routes requests by path to canned JSON and records them.
import { vi } from "vitest";

export interface Recorded {
  url: URL;
  method: string;
  body: unknown;
  credentials: RequestCredentials | undefined;
}

export type Handler = (url: URL, method: string, body: unknown) => { status?: number; body?: unknown } | undefined;

/** Installs the stub; unmatched requests answer 404 in the API's error shape. */
export function stubFetch(handler: Handler): Recorded[] {
  const calls: Recorded[] = [];
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: string, init: RequestInit = {}) => {
      const url = new URL(input, "http://tollgate.test");
      const method = init.method ?? "GET";
      const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
      // The shell asks where reports come from on every page; unless a test answers it, it is the primary's
      // and is not recorded, so a page test sees its page's requests only.
      const own = handler(url, method, body);
      if (!own && url.pathname === "/api/reports/source") {
        return new Response(JSON.stringify({ source: "primary", lagMs: null, checkedAt: null }), {
          status: 200,
          headers: { "content-type": "application/json" },
        });
      }
      calls.push({ url, method, body, credentials: init.credentials });
      const answer = own ?? { status: 404, body: { error: { type: "not_found", message: `no stub for ${url.pathname}` } } };
      const status = answer.status ?? 200;
      return new Response(status === 204 ? null : JSON.stringify(answer.body ?? {}), {
        status,
        headers: { "content-type": "application/json" },
      });
    }),
  );
  return calls;
}

/** jsdom has no ResizeObserver; recharts' ResponsiveContainer needs one. This one reports 800×280. */
export function installResizeObserver(): void {
  class FixedResizeObserver {
    constructor(private readonly callback: ResizeObserverCallback) {}
    observe(target: Element): void {
      const entry = { target, contentRect: { width: 800, height: 280, top: 0, left: 0, right: 800, bottom: 280, x: 0, y: 0 } };
      this.callback([entry as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve(): void {}
    disconnect(): void {}
  }
  vi.stubGlobal("ResizeObserver", FixedResizeObserver);
}
