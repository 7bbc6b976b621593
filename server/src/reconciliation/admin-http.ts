import { redactSecrets } from "../lib/redact.ts";
import { TollgateError } from "../lib/errors.ts";

/** How a connector talks to one provider's admin API. */
export interface AdminHttp {
  baseUrl: string;
  /** request headers carrying the admin key (never logged: errors redact it) */
  headers: Record<string, string>;
  /** the admin key, redacted from any error text a provider echoes back */
  secret: string;
  /** attempts per page before giving up (429 and 5xx are retried) */
  maxAttempts?: number;
  /** first backoff after a 5xx or a network error, doubled per attempt */
  backoffMs?: number;
  /** longest wait a retry-after may ask for */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
  next_page: string | null;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** retry-after in seconds (or an HTTP date), as milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * GETs one page, retrying a 429 after its retry-after (or the backoff) and a 5xx or network failure with
 * exponential backoff; any other status fails at once (a 401 will not get better).
 */
export async function getJson(http: AdminHttp, path: string, query: URLSearchParams): Promise<unknown> {
  const url = `${http.baseUrl}${path}?${query.toString()}`;
  const attempts = http.maxAttempts ?? 5;
  const sleep = http.sleep ?? defaultSleep;
  let backoff = http.backoffMs ?? 1_000;
  for (let attempt = 1; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { headers: http.headers, signal: AbortSignal.timeout(http.timeoutMs ?? 60_000) });
    } catch (err) {
      if (attempt >= attempts) throw new TollgateError("network_error", `${path}: ${redactSecrets((err as Error).message, [http.secret])}`);
      await sleep(backoff);
      backoff *= 2;
      continue;
    }
    if (res.ok) return res.json();
    const text = redactSecrets((await res.text()).slice(0, 500), [http.secret]);
    const retryable = res.status === 429 || res.status >= 500;
    if (!retryable || attempt >= attempts) {
      throw new TollgateError("proxy_error", `${path} answered ${res.status}: ${text}`, 502);
    }
    const asked = res.status === 429 ? retryAfterMs(res.headers.get("retry-after")) : undefined;
    await sleep(Math.min(asked ?? backoff, http.maxRetryAfterMs ?? 120_000));
    backoff *= 2;
  }
}

/** Every page of a report, following next_page while has_more says there is more. */
export async function getAllPages<T>(http: AdminHttp, path: string, query: URLSearchParams, maxPages = 1_000): Promise<T[]> {
  const out: T[] = [];
  let page: string | null = null;
  for (let n = 0; n < maxPages; n++) {
    const q = new URLSearchParams(query);
    if (page !== null) q.set("page", page);
    const body = (await getJson(http, path, q)) as Partial<Page<T>>;
    if (!Array.isArray(body.data) || typeof body.has_more !== "boolean") {
      throw new TollgateError("proxy_error", `${path}: the answer is not a report page (data and has_more missing)`, 502);
    }
    out.push(...body.data);
    if (!body.has_more || !body.next_page) return out;
    page = body.next_page;
  }
  throw new TollgateError("proxy_error", `${path}: more than ${maxPages} pages`, 502);
}
