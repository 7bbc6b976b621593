import type { CallRecord } from "../domain/call-record.ts";

/**
 * What a call record's text may hold, so Postgres never rejects it: no NUL (text and jsonb refuse it), no
 * lone UTF-16 surrogates (jsonb refuses their escapes; text would store U+FFFD silently), and lengths that
 * keep every index entry far below btree's 2704-byte limit (app, provider and model are indexed and are
 * rollup keys). Caps are in UTF-16 code units; 200 units are at most 600 bytes of UTF-8.
 */
export const TEXT_CAPS = {
  /** names: provider, endpoint, model, responseModel, deployment, app, user, keyId, errorType, serviceTier, priceId, upstreamRequestId */
  name: 200,
  /** property names (x-tollgate-property-<name>) */
  propertyName: 200,
  /** property values */
  propertyValue: 1000,
  /** properties per call; the rest are dropped */
  properties: 50,
  errorMessage: 2000,
  /** the start of an error body (the proxy keeps 8 KiB) */
  errorBody: 8192,
  /** finish reasons per call (one per choice); each is a name */
  finishReasons: 16,
} as const;

/** request_bytes and response_bytes are int4 columns. */
const MAX_INT4 = 2_147_483_647;

interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** True when `s` can be stored as it is: the one check on the hot path, native and allocation-free. */
function storable(s: string, cap: number): boolean {
  return s.length <= cap && s.indexOf("\0") === -1 && (s as unknown as WellFormedString).isWellFormed();
}

/** Strips NUL, turns lone surrogates into U+FFFD and cuts to `cap` without splitting a surrogate pair. */
function repair(s: string, cap: number): string {
  let out = (s.replaceAll("\0", "") as unknown as WellFormedString).toWellFormed();
  if (out.length > cap) {
    out = out.slice(0, cap);
    const last = out.charCodeAt(cap - 1);
    if (last >= 0xd800 && last <= 0xdbff) out = out.slice(0, cap - 1);
  }
  return out;
}

/** `s` made storable: itself when it already is (no copy), else repaired. Non-strings (a damaged spool line) become text. */
export function cleanText(s: string, cap: number): string {
  if (typeof s !== "string") return repair(String(s), cap);
  return storable(s, cap) ? s : repair(s, cap);
}

function cleanNullable(s: string | null, cap: number): string | null {
  return s === null || s === undefined ? null : cleanText(s, cap);
}

function cleanProperties(props: Record<string, string> | null): Record<string, string> | null {
  if (props === null || typeof props !== "object") return null;
  let dirty = false;
  let count = 0;
  for (const key in props) {
    const value = props[key];
    if (
      ++count > TEXT_CAPS.properties ||
      typeof value !== "string" ||
      !storable(key, TEXT_CAPS.propertyName) ||
      !storable(value, TEXT_CAPS.propertyValue)
    ) {
      dirty = true;
      break;
    }
  }
  if (!dirty) return props;
  const out: Record<string, string> = {};
  count = 0;
  for (const key in props) {
    if (++count > TEXT_CAPS.properties) break;
    const name = cleanText(key, TEXT_CAPS.propertyName);
    if (name !== "") out[name] = cleanText(String(props[key]), TEXT_CAPS.propertyValue);
  }
  return out;
}

function cleanReasons(reasons: string[] | null | undefined): string[] | null {
  if (!Array.isArray(reasons) || reasons.length === 0) return null;
  let dirty = reasons.length > TEXT_CAPS.finishReasons;
  for (let i = 0; i < reasons.length && !dirty; i++)
    dirty = typeof reasons[i] !== "string" || !storable(reasons[i] as string, TEXT_CAPS.name);
  if (!dirty) return reasons;
  return reasons.slice(0, TEXT_CAPS.finishReasons).map((r) => cleanText(String(r), TEXT_CAPS.name));
}

function cleanBytes(n: number): number {
  return n >= 0 && n <= MAX_INT4 ? n : Number.isFinite(n) && n > 0 ? MAX_INT4 : 0;
}

/**
 * Makes a finished call's record storable, in place (see TEXT_CAPS): runs for every call before it is
 * queued, after secrets are redacted (so a cut never leaves half a secret behind). A record already
 * storable — nearly all of them — costs one length test, one NUL scan and one well-formedness scan per
 * field, and nothing is copied. Request and response bodies (TOLLGATE_LOG_BODIES) are bounded by
 * TOLLGATE_MAX_BODY_BYTES already, so they are only cleaned, not cut.
 */
export function sanitiseRecord(r: CallRecord): CallRecord {
  const name = TEXT_CAPS.name;
  r.provider = cleanText(r.provider, name);
  r.endpoint = cleanText(r.endpoint, name);
  r.model = cleanNullable(r.model, name);
  r.responseModel = cleanNullable(r.responseModel, name);
  r.deployment = cleanNullable(r.deployment, name);
  r.app = cleanText(r.app, name) || "unknown";
  r.user = cleanNullable(r.user, name);
  r.properties = cleanProperties(r.properties);
  r.keyId = cleanNullable(r.keyId, name);
  r.errorType = cleanNullable(r.errorType, name);
  r.errorMessage = cleanNullable(r.errorMessage, TEXT_CAPS.errorMessage);
  r.errorBody = cleanNullable(r.errorBody, TEXT_CAPS.errorBody);
  r.upstreamRequestId = cleanNullable(r.upstreamRequestId, name);
  r.serviceTier = cleanNullable(r.serviceTier, name);
  if (r.finishReasons !== undefined) r.finishReasons = cleanReasons(r.finishReasons);
  r.priceId = cleanNullable(r.priceId, name);
  r.requestBody = cleanNullable(r.requestBody, Infinity);
  r.responseBody = cleanNullable(r.responseBody, Infinity);
  r.requestBytes = cleanBytes(r.requestBytes);
  r.responseBytes = cleanBytes(r.responseBytes);
  return r;
}
