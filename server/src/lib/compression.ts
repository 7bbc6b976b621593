// Compression for the API's JSON and the dashboard's assets (never the proxy path, which does not pass
// through Express). Node's zlib only; brotli first, gzip for clients without it.
import { existsSync, statSync } from "node:fs";
import { join, normalize, resolve } from "node:path";
import { brotliCompress, constants, gzip } from "node:zlib";
import type { NextFunction, Request, Response } from "express";

/** Smaller JSON bodies are sent as they are: compressing them saves less than it costs. */
export const MIN_COMPRESS_BYTES = 1024;

type Encoding = "br" | "gzip";

/** The encoding to answer with for an Accept-Encoding header (brotli preferred), or null. */
export function pickEncoding(accept: string | undefined): Encoding | null {
  const offered = new Map<string, number>();
  for (const part of (accept ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    if (name) offered.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (n: string) => (offered.get(n) ?? offered.get("*") ?? 0) > 0;
  return ok("br") ? "br" : ok("gzip") ? "gzip" : null;
}

/** Replaces res.json so JSON answers above MIN_COMPRESS_BYTES go out compressed when the client accepts it. */
export function compressJson(req: Request, res: Response, next: NextFunction): void {
  const encoding = pickEncoding(req.headers["accept-encoding"]);
  res.vary("Accept-Encoding");
  if (!encoding) return next();
  res.json = (body: unknown) => {
    const text = Buffer.from(JSON.stringify(body) ?? "null");
    if (!res.getHeader("Content-Type")) res.type("application/json");
    if (text.length < MIN_COMPRESS_BYTES) return res.send(text);
    const done = (err: Error | null, out: Buffer) => {
      if (err) return void res.send(text);
      res.setHeader("Content-Encoding", encoding);
      res.end(out);
    };
    // Quality 5 brotli: close to gzip's speed, smaller output; a large report compresses in a few ms.
    if (encoding === "br") brotliCompress(text, { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }, done);
    else gzip(text, done);
    return res;
  };
  next();
}

/**
 * Serves `<asset>.br` / `<asset>.gz` written at build time (scripts/precompress.mjs) for a request of a
 * hashed asset, with its own type and Content-Encoding; anything else falls through to express.static.
 */
export function precompressedAssets(dir: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    const path = normalize(req.path);
    if (!path.startsWith("/assets/") || path.includes("..")) return next();
    res.vary("Accept-Encoding");
    const encoding = pickEncoding(req.headers["accept-encoding"]);
    if (!encoding) return next();
    const file = join(dir, `${path}.${encoding === "br" ? "br" : "gz"}`);
    if (!existsSync(file) || !statSync(file).isFile()) return next();
    res.type(path.slice(path.lastIndexOf(".")));
    res.setHeader("Content-Encoding", encoding);
    res.setHeader("Cache-Control", IMMUTABLE);
    res.sendFile(resolve(file), { cacheControl: false, lastModified: false });
  };
}

/** Hashed asset names change with their content: cached for good. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Cache-Control for a file express.static serves: hashed assets for good, anything else revalidated. */
export function staticCacheControl(res: Response, path: string): void {
  res.setHeader("Cache-Control", /[\\/]assets[\\/]/.test(path) ? IMMUTABLE : "no-cache");
}
