import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/** URI-encodes as SigV4 does: every byte but A–Z a–z 0–9 - _ . ~ as %XX (upper-case hex). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

const sha256Hex = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

export interface SigV4Expectation {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}

/**
 * Checks a request's AWS Signature Version 4 the way AWS documents it
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html), with node:crypto only: the
 * canonical request (the path as sent, each segment encoded once more; sorted query; the signed headers'
 * trimmed values; the body's SHA-256), the string to sign, the derived key, the signature. False for any
 * mismatch, an unknown key or scope, or a date more than 15 minutes off.
 */
export function verifySigV4(req: IncomingMessage, body: Buffer, expected: SigV4Expectation): boolean {
  const authorization = req.headers.authorization ?? "";
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!m) return false;
  const [, accessKeyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  const amzDate = String(req.headers["x-amz-date"] ?? "");
  if (accessKeyId !== expected.accessKeyId || region !== expected.region || service !== expected.service || !amzDate.startsWith(date!))
    return false;
  // A signature more than 15 minutes off is refused, as AWS does.
  const when = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
  if (!(Math.abs(Date.now() - when) < 15 * 60_000)) return false;
  const payloadHash = sha256Hex(body);
  const claimed = req.headers["x-amz-content-sha256"];
  if (claimed !== undefined && claimed !== payloadHash) return false;
  const names = signedHeaders!.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) return false;
  const url = new URL(req.url ?? "/", "http://x");
  // The path as sent, each segment encoded once more (services other than S3 double-encode).
  const canonicalUri = url.pathname.split("/").map(uriEncode).join("/");
  const canonicalQuery = [...url.searchParams]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, x], [b, y]) => (a! < b! ? -1 : a! > b! ? 1 : x! < y! ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const canonicalHeaders = names.map((name) => `${name}:${headerValue(req, name)}\n`).join("");
  const canonicalRequest = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${expected.secretAccessKey}`, date!), region!), service!), "aws4_request");
  const computed = createHmac("sha256", key).update(stringToSign).digest();
  return timingSafeEqual(computed, Buffer.from(signature!, "hex"));
}

/** A header's canonical value: repeated values joined by commas, spaces trimmed and collapsed. */
function headerValue(req: IncomingMessage, name: string): string {
  const values: string[] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2)
    if (req.rawHeaders[i]!.toLowerCase() === name) values.push(req.rawHeaders[i + 1]!.trim().replace(/\s+/g, " "));
  return values.join(",");
}
