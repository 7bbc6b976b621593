// A small in-memory budgets and keys API for the Budgets page tests: it applies PUT/DELETE/POST the way
// server/src/api/budgets.ts and keys.ts do, so a page test sees its own changes after a reload.
import type { Budget, VirtualKey } from "../../../dashboard/src/api.ts";
import type { Handler } from "./fetch-stub.ts";

export const SEARCH_KEY = "0193a1b2-0000-7000-8000-00000000000a";
export const OLD_KEY = "0193a1b2-0000-7000-8000-00000000000b";

export function accessFixtures(): { budgets: Budget[]; keys: VirtualKey[] } {
  const month = "2026-11";
  return {
    budgets: [
      {
        id: "app:batch",
        app: "batch",
        keyId: null,
        limitUsd: "10",
        monthlyUsd: "10",
        action: "block",
        unpriced: "allow",
        unpricedCalls: 0,
        month,
        spentUsd: "10.25",
        reservedUsd: "0",
        remainingUsd: "-0.25",
        period: "week",
        periodKey: "2026-W48",
        periodStart: "2026-11-23T00:00:00.000Z",
        periodEnd: "2026-11-30T00:00:00.000Z",
        forecastUsd: "14.5",
        runRateUsdPerDay: "1.5",
        forecastExceedsOn: "2026-11-26",
        forecastExceedsByUsd: "4.5",
      },
      {
        id: "app:checkout",
        app: "checkout",
        keyId: null,
        limitUsd: "250",
        monthlyUsd: "250",
        action: "block",
        month,
        spentUsd: "12.5",
        reservedUsd: "0.0042",
        remainingUsd: "237.4958",
        unpriced: "allow",
        unpricedCalls: 3,
        period: "month",
        periodKey: "2026-11",
        periodStart: "2026-11-01T00:00:00.000Z",
        periodEnd: "2026-12-01T00:00:00.000Z",
        forecastUsd: "40.125",
        runRateUsdPerDay: "2",
        forecastExceedsOn: null,
        forecastExceedsByUsd: null,
      },
      {
        id: `key:${SEARCH_KEY}`,
        app: "search",
        keyId: SEARCH_KEY,
        limitUsd: "100",
        monthlyUsd: "100",
        action: "alert",
        unpriced: "allow",
        unpricedCalls: 0,
        month,
        spentUsd: "85",
        reservedUsd: "0",
        remainingUsd: "15",
        period: "month",
        periodKey: "2026-11",
        periodStart: "2026-11-01T00:00:00.000Z",
        periodEnd: "2026-12-01T00:00:00.000Z",
        forecastUsd: "112.25",
        runRateUsdPerDay: "4",
        forecastExceedsOn: "2026-11-29",
        forecastExceedsByUsd: "12.25",
      },
    ],
    keys: [
      {
        id: SEARCH_KEY,
        app: "search",
        provider: "openai",
        prefix: "tg_Srch12",
        endpoints: ["inference", "models", "files"],
        status: "active",
        createdAt: "2026-11-02T09:00:00.000Z",
        expiresAt: "2027-06-30T00:00:00.000Z",
        revokedAt: null,
        lastUsedAt: "2026-11-26T11:58:00.000Z",
      },
      {
        id: OLD_KEY,
        app: "checkout",
        provider: null,
        prefix: "tg_Old999",
        endpoints: ["inference", "models"],
        status: "revoked",
        createdAt: "2026-10-01T00:00:00.000Z",
        expiresAt: null,
        revokedAt: "2026-11-20T08:30:00.000Z",
        lastUsedAt: null,
      },
    ],
  };
}

/** The handler plus the state it changes. */
export function accessApi(state = accessFixtures()): { handler: Handler; state: ReturnType<typeof accessFixtures> } {
  const handler: Handler = (url, method, body) => {
    const p = url.pathname;
    if (p === "/api/budgets" && method === "GET") return { body: { month: "2026-11", budgets: state.budgets } };
    if (p.startsWith("/api/budgets/")) {
      const app = decodeURIComponent(p.slice("/api/budgets/".length));
      if (method === "PUT") {
        const b = body as { limitUsd: string; period: Budget["period"]; action: Budget["action"]; keyId?: string };
        const id = b.keyId ? `key:${b.keyId}` : `app:${app}`;
        const old = state.budgets.find((x) => x.id === id);
        const saved: Budget = {
          id,
          app,
          keyId: b.keyId ?? null,
          monthlyUsd: b.limitUsd,
          limitUsd: b.limitUsd,
          period: b.period,
          action: b.action,
          month: "2026-11",
          spentUsd: old?.spentUsd ?? "0",
          reservedUsd: old?.reservedUsd ?? "0",
          remainingUsd: b.limitUsd,
          periodKey: old?.periodKey ?? "2026-11",
          periodStart: old?.periodStart ?? "2026-11-01T00:00:00.000Z",
          periodEnd: old?.periodEnd ?? "2026-12-01T00:00:00.000Z",
          unpriced: old?.unpriced ?? "allow",
          unpricedCalls: old?.unpricedCalls ?? 0,
          forecastUsd: old?.spentUsd ?? "0",
          runRateUsdPerDay: "0",
          forecastExceedsOn: null,
          forecastExceedsByUsd: null,
        };
        state.budgets = [...state.budgets.filter((x) => x.id !== id), saved].sort(
          (x, y) => x.app.localeCompare(y.app) || x.id.localeCompare(y.id),
        );
        return { body: saved };
      }
      if (method === "DELETE") {
        const keyId = url.searchParams.get("keyId");
        const id = keyId ? `key:${keyId}` : `app:${app}`;
        if (!state.budgets.some((x) => x.id === id))
          return { status: 404, body: { error: { type: "not_found", message: `no budget for app "${app}"` } } };
        state.budgets = state.budgets.filter((x) => x.id !== id);
        return { status: 204 };
      }
    }
    if (p === "/api/keys" && method === "GET") return { body: { keys: state.keys } };
    if (p === "/api/keys" && method === "POST") {
      const k = body as { app: string; provider?: string; expiresAt?: string; endpoints?: VirtualKey["endpoints"] };
      const created = {
        id: "0193a1b2-0000-7000-8000-00000000000c",
        key: "tg_NewKey1secretsecretsecretsecret",
        app: k.app,
        provider: k.provider ?? null,
        prefix: "tg_NewKey",
        endpoints: k.endpoints ?? (["inference", "models"] as VirtualKey["endpoints"]),
        createdAt: "2026-11-26T12:00:00.000Z",
        expiresAt: k.expiresAt ?? null,
      };
      const { key: _secret, ...listed } = created; // listings never carry the secret
      state.keys = [{ ...listed, status: "active" as const, revokedAt: null, lastUsedAt: null }, ...state.keys];
      return { status: 201, body: created };
    }
    if (p.startsWith("/api/keys/") && method === "DELETE") {
      const id = p.slice("/api/keys/".length);
      state.keys = state.keys.map((k) => (k.id === id ? { ...k, status: "revoked" as const, revokedAt: "2026-11-26T12:00:00.000Z" } : k));
      return { status: 204 };
    }
    if (p === "/api/budget-webhooks") return { body: { webhooks: [{ name: "ops", url: "https://hooks.example.com/…", format: "slack" }] } };
    if (p === "/api/budget-notices") return { body: NOTICES };
    return undefined;
  };
  return { handler, state };
}

/** One notice retried after a 500, as GET /api/budget-notices answers. */
export const NOTICES = {
  notices: [
    {
      budgetId: "app:batch",
      app: "batch",
      period: "2026-W48",
      kind: "100",
      limitUsd: "10",
      spentUsd: "10.25",
      forecastUsd: "14.5",
      createdAt: "2026-11-26T10:00:00.000Z",
      deliveries: [
        {
          webhook: "ops",
          status: "delivered",
          attempts: 2,
          deliveredAt: "2026-11-26T10:00:06.000Z",
          nextAttemptAt: "2026-11-26T10:00:05.000Z",
        },
      ],
    },
  ],
  attempts: [
    {
      id: "2",
      budgetId: "app:batch",
      period: "2026-W48",
      kind: "100",
      webhook: "ops",
      attempt: 2,
      statusCode: 200,
      error: null,
      durationMs: 41,
      at: "2026-11-26T10:00:06.000Z",
    },
    {
      id: "1",
      budgetId: "app:batch",
      period: "2026-W48",
      kind: "100",
      webhook: "ops",
      attempt: 1,
      statusCode: 500,
      error: "HTTP 500",
      durationMs: 12,
      at: "2026-11-26T10:00:00.500Z",
    },
  ],
};
