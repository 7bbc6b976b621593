import { gaxios, GoogleToken } from "google-auth-library";
import { TollgateError } from "../lib/errors.ts";
import type { ServiceAccount } from "../providers/service-account.ts";

/** Vertex AI's scope. */
const CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

export interface GoogleTokenOptions {
  /** one token request may take this long before it counts as failed (no hanging calls while the endpoint is out) */
  timeoutMs?: number;
  /** a token is replaced this long before it expires (at most half its lifetime) */
  refreshMarginMs?: number;
  /** after a failed request, calls needing a token fail at once for this long instead of each waiting again */
  failureHoldMs?: number;
  now?: () => number;
  onRefreshError?(err: unknown): void;
}

interface Token {
  value: string;
  /** served until then: a little before it expires (5 s, or a tenth of a short lifetime), so it reaches Vertex valid */
  usableUntil: number;
}

/**
 * OAuth access tokens minted from a service account (google-auth-library signs the JWT assertion and asks
 * the key's `token_uri`), for Vertex AI calls made with virtual keys. The token is cached and replaced in the
 * background before it expires, so calls do not wait for it; only the first call, or one after an outage
 * that let the token lapse, waits — for at most `timeoutMs`. There is never more than one request in flight.
 */
export class GoogleAccessTokens {
  private token: Token | null = null;
  private inFlight: Promise<Token> | null = null;
  private failure: { error: TollgateError; until: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;
  private failures = 0;
  private readonly gtoken: GoogleToken;
  private readonly timeoutMs: number;
  private readonly marginMs: number;
  private readonly failureHoldMs: number;
  private readonly now: () => number;
  /** token requests made (each a JWT assertion sent to token_uri) */
  requests = 0;

  constructor(
    private readonly provider: string,
    account: ServiceAccount,
    private readonly options: GoogleTokenOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.marginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.failureHoldMs = options.failureHoldMs ?? 1_000;
    this.now = options.now ?? Date.now;
    const http = new gaxios.Gaxios();
    // The library posts to Google's token URL; the key's token_uri says where this account's tokens come from.
    const transporter = {
      request: <T>(opts: gaxios.GaxiosOptions) =>
        http.request<T>({ ...opts, url: account.tokenUri, timeout: this.timeoutMs, retry: false }),
    };
    this.gtoken = new GoogleToken({ iss: account.clientEmail, key: account.privateKey, scope: CLOUD_PLATFORM, transporter });
  }

  /** A valid access token: the cached one, else a fresh one (waiting at most timeoutMs); a TollgateError (503) when none can be had. */
  async get(): Promise<string> {
    const t = this.token;
    if (t && this.now() < t.usableUntil) return t.value;
    if (this.failure && this.now() < this.failure.until) throw this.failure.error;
    return (await this.refresh()).value;
  }

  /** Starts minting now, so the first call finds a token (failures are retried by the next call). */
  warm(): void {
    this.refresh().catch((err: unknown) => this.options.onRefreshError?.(err));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private refresh(): Promise<Token> {
    this.inFlight ??= this.mint().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async mint(): Promise<Token> {
    this.requests++;
    let timer: NodeJS.Timeout | undefined;
    try {
      // gaxios's own timeout covers the request; this covers everything around it (DNS, TLS, a stalled body).
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      });
      const data = await Promise.race([this.gtoken.getToken({ forceRefresh: true }), deadline]);
      if (!data.access_token) throw new Error("the token endpoint answered without an access_token");
      const lifetimeMs = Math.max(0, (data.expires_in ?? 3600) * 1000);
      const token = { value: data.access_token, usableUntil: this.now() + lifetimeMs - Math.min(5_000, lifetimeMs / 10) };
      this.token = token;
      this.failure = null;
      this.failures = 0;
      this.schedule(Math.max(1_000, lifetimeMs - Math.min(this.marginMs, lifetimeMs / 2)));
      return token;
    } catch (err) {
      const error = new TollgateError(
        "proxy_error",
        `Tollgate could not get a Google access token for provider "${this.provider}" from the service account's token endpoint (${reason(err)}); try again shortly.`,
        503,
      );
      this.failure = { error, until: this.now() + this.failureHoldMs };
      // A token still valid keeps serving; the next attempts come soon, then less often (at most a minute apart).
      this.failures++;
      this.schedule(Math.min(60_000, this.failureHoldMs * 2 ** Math.min(this.failures - 1, 16)));
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The next background refresh, off the request path. */
  private schedule(inMs: number): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.refresh().catch((err: unknown) => this.options.onRefreshError?.(err));
    }, inMs);
    this.timer.unref();
  }
}

/** The cause, without anything of the key: the HTTP status and OAuth error code, or the network error. */
function reason(err: unknown): string {
  const e = err as { status?: number; response?: { status?: number; data?: { error?: unknown } }; code?: string; message?: string };
  const status = e.response?.status ?? e.status;
  if (status) {
    const code = typeof e.response?.data?.error === "string" ? ` ${e.response.data.error}` : "";
    return `HTTP ${status}${code}`;
  }
  return (e.code ?? e.message ?? "error").slice(0, 200);
}
