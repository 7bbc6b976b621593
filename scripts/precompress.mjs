// Writes a .br and a .gz beside each built dashboard asset (JS, CSS, SVG, JSON) so the server sends
// compressed bytes without compressing per request (server/src/lib/compression.ts).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = join(import.meta.dirname, "..", "dashboard", "dist", "assets");
let raw = 0;
let br = 0;
for (const name of readdirSync(dir)) {
  if (!/\.(js|css|svg|json)$/.test(name)) continue;
  const bytes = readFileSync(join(dir, name));
  const b = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(join(dir, `${name}.br`), b);
  writeFileSync(join(dir, `${name}.gz`), gzipSync(bytes, { level: 9 }));
  raw += bytes.length;
  br += b.length;
}
console.log(`precompressed dashboard assets: ${raw} bytes → ${br} bytes brotli`);
