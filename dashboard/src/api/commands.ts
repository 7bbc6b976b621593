// The API's writes: prices, budgets, periods and keys.
import { request } from "./client.ts";
import type { Budget, BudgetInput, ClosedPeriod, CreatedKey, NewKey, NewPrice, Price } from "./types.ts";

export function createPrice(price: NewPrice): Promise<Price> {
  return request<Price>("/api/prices", { method: "POST", body: JSON.stringify(price) });
}

export function putBudget(app: string, input: BudgetInput): Promise<Budget> {
  return request<Budget>(`/api/budgets/${encodeURIComponent(app)}`, { method: "PUT", body: JSON.stringify(input) });
}

export function deleteBudget(app: string, keyId: string | null): Promise<void> {
  const query = keyId ? `?keyId=${encodeURIComponent(keyId)}` : "";
  return request<void>(`/api/budgets/${encodeURIComponent(app)}${query}`, { method: "DELETE" });
}

export function closePeriod(month: string, reason: string): Promise<ClosedPeriod> {
  return request<ClosedPeriod>(`/api/periods/${encodeURIComponent(month)}/close`, {
    method: "POST",
    body: JSON.stringify(reason ? { reason } : {}),
  });
}

export function reopenPeriod(month: string, reason: string): Promise<unknown> {
  return request<unknown>(`/api/periods/${encodeURIComponent(month)}/reopen`, { method: "POST", body: JSON.stringify({ reason }) });
}

export function createKey(input: NewKey): Promise<CreatedKey> {
  return request<CreatedKey>("/api/keys", { method: "POST", body: JSON.stringify(input) });
}

export function revokeKey(id: string): Promise<void> {
  return request<void>(`/api/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
}
