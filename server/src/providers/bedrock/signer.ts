import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsSettings } from "../provider-config.ts";
import type { OutgoingRequest } from "../types.ts";

/** A client's own signature and the headers that carry it: dropped, Tollgate's signature replaces them. */
export const SIGNATURE_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);

const signers = new WeakMap<AwsSettings, SignatureV4>();

function signerFor(aws: AwsSettings): SignatureV4 {
  let signer = signers.get(aws);
  if (!signer) {
    const { credentials } = aws;
    if (!credentials) throw new Error("no AWS credentials to sign with");
    signer = new SignatureV4({
      service: "bedrock",
      region: aws.region,
      credentials,
      sha256: Sha256,
      uriEscapePath: true,
      applyChecksum: true,
    });
    signers.set(aws, signer);
  }
  return signer;
}

/** Signed: the request's host, content type and AWS headers; hop-by-hop and other headers stay unsigned. */
function signed(name: string): boolean {
  return name === "host" || name === "content-type" || name === "accept" || name.startsWith("x-amz");
}

/**
 * Signs a request with AWS Signature Version 4 (service `bedrock`) using the credentials Tollgate holds:
 * the client's signature headers are removed and `authorization`, `x-amz-date`, `x-amz-content-sha256` (and
 * `x-amz-security-token` for temporary credentials) added. The body is hashed as it will be sent.
 */
export async function signRequest(aws: AwsSettings, req: OutgoingRequest): Promise<void> {
  const headers = req.headers;
  for (let i = headers.length - 2; i >= 0; i -= 2) if (SIGNATURE_HEADERS.has((headers[i] as string).toLowerCase())) headers.splice(i, 2);
  const toSign: Record<string, string> = {};
  for (let i = 0; i < headers.length; i += 2) {
    const name = (headers[i] as string).toLowerCase();
    if (signed(name))
      toSign[name] = toSign[name] === undefined ? (headers[i + 1] as string) : `${toSign[name]},${headers[i + 1] as string}`;
  }
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(req.query)) {
    const had = query[k];
    query[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  const colon = req.host.lastIndexOf(":");
  const result = await signerFor(aws).sign({
    method: req.method,
    protocol: "https:",
    hostname: colon === -1 ? req.host : req.host.slice(0, colon),
    port: colon === -1 ? undefined : Number(req.host.slice(colon + 1)),
    path: req.path,
    query,
    headers: toSign,
    body: req.body,
  });
  for (const [name, value] of Object.entries(result.headers)) {
    if (SIGNATURE_HEADERS.has(name.toLowerCase())) headers.push(name.toLowerCase(), value);
  }
}
