import { describe, expect, it } from "vitest";
import { scopeOf } from "../../../server/src/access/key-scopes.ts";
import { resolveDotSegments } from "../../../server/src/proxy/dot-segments.ts";
import { maskHeaderValues, SecretScrubber } from "../../../server/src/proxy/secret-scrubber.ts";
import type { RequestInfo } from "../../../server/src/providers/types.ts";

const SECRET = "sk-held-0123456789abcdef";
const MASK = "*".repeat(SECRET.length);

function scrubInPieces(text: string, cuts: number[]): string {
  const scrubber = new SecretScrubber(SECRET);
  const out: Buffer[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(scrubber.push(Buffer.from(text.slice(from, cut))));
    from = cut;
  }
  const rest = scrubber.end();
  if (rest) out.push(rest);
  return Buffer.concat(out).toString();
}

describe("SecretScrubber", () => {
  it("masks the secret however the chunks split it, keeping every other byte and the length", () => {
    const text = `data: {"echo":"Bearer ${SECRET}"}\n\ndata: {"again":"${SECRET}${SECRET}","s":"sk-"}\n\n`;
    const expected = text.split(SECRET).join(MASK);
    for (let a = 0; a <= text.length; a++) {
      expect(scrubInPieces(text, [a])).toBe(expected);
      for (let b = a; b <= text.length; b += 7) expect(scrubInPieces(text, [a, b])).toBe(expected);
    }
  });
  it("holds back only a tail that could start the secret, so an event's end is never delayed", () => {
    const scrubber = new SecretScrubber(SECRET);
    expect(scrubber.push(Buffer.from("data: x\n\n")).toString()).toBe("data: x\n\n");
    expect(scrubber.push(Buffer.from("data: sk-he")).toString()).toBe("data: ");
    expect(scrubber.push(Buffer.from("llo\n\n")).toString()).toBe("sk-hello\n\n");
    expect(scrubber.end()).toBeNull();
  });
  it("masks header values", () => {
    const raw = ["x-echo", `Bearer ${SECRET}`, "content-type", "application/json"];
    maskHeaderValues(raw, SECRET);
    expect(raw).toEqual(["x-echo", `Bearer ${MASK}`, "content-type", "application/json"]);
  });
});

describe("resolveDotSegments", () => {
  it("resolves dot segments and refuses climbing above the root", () => {
    expect(resolveDotSegments("/v1/chat/completions")).toBe("/v1/chat/completions");
    expect(resolveDotSegments("/v1/x/../models")).toBe("/v1/models");
    expect(resolveDotSegments("/v1/./models")).toBe("/v1/models");
    expect(resolveDotSegments("/v1/%2E/models")).toBe("/v1/models");
    expect(resolveDotSegments("/v1/models/..")).toBe("/v1/");
    for (const path of ["/../v1/models", "/%2e%2e/v1", "/v1/../../x", "/v1/..%2f..%2fx", "/v1/..\\..\\x", "/./.."])
      expect(resolveDotSegments(path), path).toBeNull();
  });
});

describe("scopeOf", () => {
  const info = (metered: boolean, endpoint = ""): RequestInfo => ({ endpoint, metered, model: null, stream: false, deployment: null });
  it("names the scope of plain paths and refuses admin APIs and unplain paths", () => {
    expect(scopeOf("POST", "/v1/chat/completions", info(true, "chat.completions"))).toBe("inference");
    expect(scopeOf("POST", "/v1/messages/count_tokens", info(false, "messages.count_tokens"))).toBe("inference");
    expect(scopeOf("GET", "/v1beta/models/gemini-2.5-flash", info(false))).toBe("models");
    expect(scopeOf("DELETE", "/v1/models/ft-x", info(false))).toBeNull();
    expect(scopeOf("POST", "/upload/v1beta/files", info(false))).toBe("files");
    expect(scopeOf("POST", "/v1beta/models/gemini-2.5-flash:batchGenerateContent", info(false))).toBe("batches");
    expect(scopeOf("POST", "/v1/audio/transcriptions", info(false))).toBe("audio");
    expect(scopeOf("POST", "/v1/organization/x/chat/completions", info(true, "chat.completions"))).toBeNull();
    expect(scopeOf("GET", "/v1/Organizations/users", info(false))).toBeNull();
    expect(scopeOf("POST", "/v1//chat/completions", info(true, "chat.completions"))).toBeNull();
    expect(scopeOf("POST", "/v1/ch%61t/completions", info(true, "chat.completions"))).toBeNull();
  });
});
