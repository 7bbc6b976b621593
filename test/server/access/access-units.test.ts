import { describe, expect, it } from "vitest";
import { estimateCallCost } from "../../../server/src/access/budget-estimate.ts";
import { monthOf } from "../../../server/src/access/budget-store.ts";
import type { KeyCache } from "../../../server/src/access/key-cache.ts";
import { findVirtualKey, substituteProviderKey, virtualKeyHook } from "../../../server/src/access/key-hook.ts";
import type { KeyEntry } from "../../../server/src/access/key-store.ts";
import { TollgateError } from "../../../server/src/lib/errors.ts";
import { generateVirtualKey, hashVirtualKey, keyPrefix, VIRTUAL_KEY_PATTERN } from "../../../server/src/access/key-secrets.ts";
import { configuredSecrets } from "../../../server/src/config/configured-secrets.ts";
import { redactSecrets } from "../../../server/src/lib/redact.ts";
import { LoginLimiter } from "../../../server/src/api/login-limiter.ts";
import { loadConfig } from "../../../server/src/config.ts";
import type { ProviderConfig } from "../../../server/src/providers/provider-config.ts";
import { PriceBook } from "../../../server/src/pricing/price-book.ts";
import { adapterFor } from "../../../server/src/providers/index.ts";
import { CallState } from "../../../server/src/proxy/call-state.ts";
import { priceRow } from "../pricing/fixtures.ts";

const KEY = "tg_" + "a1B2c3D4e5".repeat(4) + "xyz";

describe("redactSecrets", () => {
  it("replaces sk-, tg_, AIza keys and bearer tokens, and the exact secrets given", () => {
    const text = `a sk-proj-abcdEFGH1234 b ${KEY} c AIzaSyA1234567890abcdefghij d Authorization: Bearer abc.def.ghi123 e held-xyz-123456 f`;
    expect(redactSecrets(text, ["held-xyz-123456"])).toBe(
      "a [redacted] b [redacted] c [redacted] d Authorization: Bearer [redacted] e [redacted] f",
    );
  });
  it("leaves ordinary text alone", () => {
    const text = '{"messages":[{"role":"user","content":"ask for a skeleton key, task-list and tg_ prefixes"}],"max_tokens":5}';
    expect(redactSecrets(text)).toBe(text);
  });
  it("collects the configured secrets, skipping very short values", () => {
    const config = loadConfig({
      OPENAI_API_KEY: "sk-held-123456789",
      MISTRAL_API_KEY: "short",
      TOLLGATE_ADMIN_TOKEN: "admin-admin-admin-admin",
      TOLLGATE_METRICS_TOKEN: "metrics-123",
    });
    expect(configuredSecrets(config).sort()).toEqual(["admin-admin-admin-admin", "metrics-123", "sk-held-123456789"]);
  });
});

describe("virtual key secrets", () => {
  it("generates 256-bit tg_ keys; the prefix is 9 characters; the hash depends on the pepper", () => {
    const a = generateVirtualKey();
    const b = generateVirtualKey();
    expect(a).toMatch(VIRTUAL_KEY_PATTERN);
    expect(a).not.toBe(b);
    expect(keyPrefix(a)).toBe(a.slice(0, 9));
    expect(hashVirtualKey(Buffer.from("pepper-1"), a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashVirtualKey(Buffer.from("pepper-1"), a)).not.toBe(hashVirtualKey(Buffer.from("pepper-2"), a));
  });
});

describe("findVirtualKey", () => {
  it("finds a tg_ key in Authorization (any case of Bearer), x-api-key, x-goog-api-key, api-key or ?key=", () => {
    expect(findVirtualKey(["Authorization", `Bearer ${KEY}`], "")).toEqual({ key: KEY, source: "authorization" });
    expect(findVirtualKey(["authorization", `bearer  ${KEY}`], "")).toEqual({ key: KEY, source: "authorization" });
    expect(findVirtualKey(["X-Api-Key", KEY], "")).toEqual({ key: KEY, source: "x-api-key" });
    expect(findVirtualKey(["x-goog-api-key", KEY], "")).toEqual({ key: KEY, source: "x-goog-api-key" });
    expect(findVirtualKey(["api-key", KEY], "")).toEqual({ key: KEY, source: "api-key" });
    expect(findVirtualKey([], `alt=sse&key=${KEY}`)).toEqual({ key: KEY, source: "query" });
    // AWS SDKs: the key as a SigV4 access key id
    const sigv4 = `AWS4-HMAC-SHA256 Credential=${KEY}/20261208/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=${"a".repeat(64)}`;
    expect(findVirtualKey(["Authorization", sigv4], "")).toEqual({ key: KEY, source: "authorization" });
  });
  it("ignores provider keys and other headers (pass-through)", () => {
    expect(findVirtualKey(["authorization", "Bearer sk-abc", "x-custom", KEY], "monkey=tg_x")).toBeNull();
    expect(findVirtualKey(["authorization", `Basic ${KEY}`], "")).toBeNull();
    expect(
      findVirtualKey(
        [
          "authorization",
          "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261208/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=ab",
        ],
        "",
      ),
    ).toBeNull();
  });
});

function provider(name: string, format: string): ProviderConfig {
  return { name, baseUrl: "http://x", format, priceProvider: name, apiKey: "held" };
}

describe("substituteProviderKey", () => {
  it("removes every client credential and sets the held key where the provider expects it", () => {
    const cases: Array<[string, string, string[]]> = [
      ["openai", "authorization", ["authorization", "Bearer held"]],
      ["anthropic", "authorization", ["x-api-key", "held"]],
      ["gemini", "x-goog-api-key", ["x-goog-api-key", "held"]],
      ["azure", "authorization", ["api-key", "held"]],
      ["azure", "api-key", ["api-key", "held"]],
    ];
    for (const [format, source, expected] of cases) {
      const headers = ["content-type", "application/json", "Authorization", `Bearer ${KEY}`, "x-api-key", "other"];
      const call = { provider: provider(format, format), query: "" };
      substituteProviderKey(headers, call, source, "held");
      expect(headers).toEqual(["content-type", "application/json", ...expected, "accept-encoding", "identity"]);
    }
  });
  it("takes ?key= out of the query and sends the key as a header", () => {
    const headers: string[] = [];
    const call = { provider: provider("gemini", "gemini"), query: `alt=sse&key=${KEY}&x=1` };
    substituteProviderKey(headers, call, "query", "held");
    expect(call.query).toBe("alt=sse&x=1");
    expect(headers).toEqual(["x-goog-api-key", "held", "accept-encoding", "identity"]);
  });
});

describe("LoginLimiter", () => {
  it("allows `limit` attempts per window per address, then tells how long to wait", () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter(2, 60_000, () => now);
    expect(limiter.attempt("a")).toBe(0);
    expect(limiter.attempt("a")).toBe(0);
    now += 10_000;
    expect(limiter.attempt("a")).toBe(50_000);
    expect(limiter.attempt("b")).toBe(0);
    now += 50_000;
    expect(limiter.attempt("a")).toBe(0);
  });
});

describe("estimateCallCost", () => {
  const book = PriceBook.fromRows([
    priceRow({ provider: "openai", model: "gpt-4o-mini", inputUsdPerMTok: "0.15", outputUsdPerMTok: "0.60" }),
  ]);
  const call = (json: Record<string, unknown>, bytes: number, endpoint = "chat.completions") => {
    const c = new CallState("id", Date.now(), 0, provider("openai", "openai"), adapterFor("openai"), {
      app: null,
      user: null,
      properties: null,
    });
    c.info = { endpoint, metered: true, model: String(json.model), stream: false, deployment: null };
    c.json = json;
    c.requestBytes = bytes;
    return c;
  };
  it("prices bytes/3 input tokens and the request's max output tokens", () => {
    // 3,000 bytes → 1,000 input × 0.15 + 500 output × 0.60 = 150 + 300 per 1M = $0.00045
    expect(estimateCallCost(call({ model: "gpt-4o-mini", max_tokens: 500 }, 3000), book, 4096)).toBe("0.00045");
    expect(estimateCallCost(call({ model: "gpt-4o-mini", max_completion_tokens: 500 }, 3000), book, 4096)).toBe("0.00045");
    expect(estimateCallCost(call({ model: "gpt-4o-mini", max_output_tokens: 500 }, 3000, "responses"), book, 4096)).toBe("0.00045");
    // a field of another format's is not this format's cap: the default applies
    expect(estimateCallCost(call({ model: "gpt-4o-mini", generationConfig: { maxOutputTokens: 500 } }, 3000), book, 1000)).toBe("0.00075");
  });
  it("reads Bedrock's caps: Converse inferenceConfig.maxTokens, Nova's max_new_tokens, Llama's max_gen_len, max_tokens", () => {
    const bedrockBook = PriceBook.fromRows([
      priceRow({ provider: "bedrock", model: "amazon.nova-pro-v1:0", inputUsdPerMTok: "0.15", outputUsdPerMTok: "0.60" }),
    ]);
    const bedrockCall = (json: Record<string, unknown>) => {
      const c = new CallState("id", Date.now(), 0, provider("bedrock", "bedrock"), adapterFor("bedrock"), {
        app: null,
        user: null,
        properties: null,
      });
      c.info = { endpoint: "converse", metered: true, model: "amazon.nova-pro-v1:0", stream: false, deployment: null };
      c.json = json;
      c.requestBytes = 3000;
      return c;
    };
    for (const json of [
      { inferenceConfig: { maxTokens: 500 } },
      { inferenceConfig: { max_new_tokens: 500 } },
      { max_gen_len: 500 },
      { max_tokens: 500 },
    ]) {
      expect(estimateCallCost(bedrockCall(json), bedrockBook, 4096)).toBe("0.00045");
    }
  });
  it("uses the default output cap when the request names none, none for embeddings, and 0 for unpriced models", () => {
    // 1,000 input × 0.15 + 1,000 output × 0.60 = 750 per 1M
    expect(estimateCallCost(call({ model: "gpt-4o-mini" }, 3000), book, 1000)).toBe("0.00075");
    expect(estimateCallCost(call({ model: "gpt-4o-mini" }, 3000, "embeddings"), book, 1000)).toBe("0.00015");
    expect(estimateCallCost(call({ model: "mystery-model" }, 3000), book, 1000)).toBeNull();
  });
});

describe("estimateCallCost: what the bytes do not show", () => {
  const book = PriceBook.fromRows([
    priceRow({ provider: "openai", model: "gpt-4o-mini", inputUsdPerMTok: "0.15", outputUsdPerMTok: "0.60" }),
    priceRow({ provider: "gemini", model: "gemini-2.5-flash", inputUsdPerMTok: "0.30", outputUsdPerMTok: "2.50" }),
  ]);
  const call = (json: Record<string, unknown>, bytes: number, format = "openai") => {
    const c = new CallState("id", Date.now(), 0, provider(format, format), adapterFor(format), { app: null, user: null, properties: null });
    c.info = {
      endpoint: format === "gemini" ? "generateContent" : "chat.completions",
      metered: true,
      model: String(json.model ?? "gemini-2.5-flash"),
      stream: false,
      deployment: null,
    };
    c.json = json;
    c.requestBytes = bytes;
    return c;
  };
  it("multiplies output by n / candidateCount", () => {
    // 1,000 input × 0.15 + 4 × 500 output × 0.60 = 150 + 1,200 per 1M
    expect(estimateCallCost(call({ model: "gpt-4o-mini", max_tokens: 500, n: 4 }, 3000), book, 4096)).toBe("0.00135");
    // 1,000 input × 0.30 + 3 × 100 output × 2.50 = 300 + 750 per 1M
    expect(estimateCallCost(call({ generationConfig: { maxOutputTokens: 100, candidateCount: 3 } }, 3000, "gemini"), book, 4096)).toBe(
      "0.00105",
    );
  });
  it("reserves images by URL, and input the provider holds (previous responses, files) at the context window", () => {
    const image = { type: "image_url", image_url: { url: "https://example.com/cat.png" } };
    // (1,000 + 2 × 6,000) input × 0.15 + 100 × 0.60 = 1,950 + 60 per 1M
    expect(
      estimateCallCost(
        call({ model: "gpt-4o-mini", max_tokens: 100, messages: [{ role: "user", content: [image, image] }] }, 3000),
        book,
        4096,
      ),
    ).toBe("0.00201");
    // data: URLs are in the bytes already
    expect(
      estimateCallCost(
        call(
          {
            model: "gpt-4o-mini",
            max_tokens: 100,
            messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }],
          },
          3000,
        ),
        book,
        4096,
      ),
    ).toBe("0.00021");
    // 200,000 input × 0.15 + 100 × 0.60
    const stored = "0.03006";
    expect(estimateCallCost(call({ model: "gpt-4o-mini", max_tokens: 100, previous_response_id: "resp_1" }, 3000), book, 4096)).toBe(
      stored,
    );
    expect(
      estimateCallCost(
        call(
          { model: "gpt-4o-mini", max_tokens: 100, input: [{ role: "user", content: [{ type: "input_file", file_id: "file-1" }] }] },
          3000,
        ),
        book,
        4096,
      ),
    ).toBe(stored);
    expect(estimateCallCost(call({ model: "gpt-4o-mini", max_tokens: 100, previous_response_id: null }, 3000), book, 4096)).toBe("0.00021");
  });
});

describe("monthOf", () => {
  it("is the UTC calendar month", () => {
    expect(monthOf(Date.parse("2026-11-30T23:59:59.999Z"))).toBe("2026-11");
    expect(monthOf(Date.parse("2026-12-01T00:00:00Z"))).toBe("2026-12");
  });
});

describe("virtualKeyHook", () => {
  const entry: KeyEntry = {
    id: "key-1",
    app: "pinned",
    provider: null,
    expiresAt: null,
    revoked: false,
    endpoints: ["inference", "models"],
  };
  const hook = (lookup: () => Promise<KeyEntry | null>) =>
    virtualKeyHook({ lookup, markUsed: () => {}, hasApp: () => false } as unknown as KeyCache);
  const newCall = (apiKey: string | undefined) => {
    const c = new CallState(
      "id",
      Date.now(),
      0,
      { ...provider("openai", "openai"), apiKey, apiKeyEnv: "OPENAI_API_KEY" },
      adapterFor("openai"),
      { app: "claimed", user: null, properties: null },
    );
    const json = { model: "gpt-4o-mini" };
    c.request = { method: "POST", path: "/v1/chat/completions", body: Buffer.from(JSON.stringify(json)) };
    c.json = json;
    c.info = c.adapter.inspect({ method: "POST", path: "/v1/chat/completions", query: "", json });
    return c;
  };
  const refusal = async (run: Promise<void> | void) => {
    try {
      await run;
    } catch (err) {
      return err as TollgateError;
    }
    throw new Error("expected a refusal");
  };

  it("pins the app, sets keyId and substitutes the held key", async () => {
    const call = newCall("sk-held-1234567890");
    const headers = ["Authorization", `Bearer ${KEY}`, "x-tollgate-x", "1"];
    await hook(async () => entry)(call, headers);
    expect(call.attribution.app).toBe("pinned");
    expect(call.keyId).toBe("key-1");
    expect(headers).toEqual(["x-tollgate-x", "1", "authorization", "Bearer sk-held-1234567890", "accept-encoding", "identity"]);
  });
  it("refuses unknown, revoked, expired and other-provider keys with auth_failed (401), never echoing the key", async () => {
    const cases: Array<[KeyEntry | null, string]> = [
      [null, "Incorrect Tollgate virtual key provided."],
      [{ ...entry, revoked: true }, "This Tollgate virtual key has been revoked."],
      [{ ...entry, expiresAt: Date.now() - 1 }, "This Tollgate virtual key has expired."],
      [{ ...entry, provider: "anthropic" }, 'This Tollgate virtual key is for provider "anthropic", not "openai".'],
    ];
    for (const [found, message] of cases) {
      const err = await refusal(hook(async () => found)(newCall("sk-held-1234567890"), ["authorization", `Bearer ${KEY}`]));
      expect(err).toBeInstanceOf(TollgateError);
      expect([err.kind, err.status, err.message]).toEqual(["auth_failed", 401, message]);
    }
  });
  it("answers 503 when the database cannot be asked about an unseen key, and names the variable when no key is held", async () => {
    const down = await refusal(
      hook(async () => Promise.reject(new Error("connect ECONNREFUSED")))(newCall("sk-held-1234567890"), [
        "authorization",
        `Bearer ${KEY}`,
      ]),
    );
    expect([down.kind, down.status]).toEqual(["proxy_error", 503]);
    const missing = await refusal(hook(async () => entry)(newCall(undefined), ["authorization", `Bearer ${KEY}`]));
    expect([missing.kind, missing.status]).toEqual(["proxy_error", 500]);
    expect(missing.message).toContain("set OPENAI_API_KEY");
  });
  it("leaves requests without a virtual key alone", async () => {
    const call = newCall("sk-held-1234567890");
    const headers = ["authorization", "Bearer sk-client-own"];
    await hook(async () => {
      throw new Error("must not be called");
    })(call, headers);
    expect(headers).toEqual(["authorization", "Bearer sk-client-own"]);
    expect(call.attribution.app).toBe("claimed");
  });
});
