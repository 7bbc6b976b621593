// The models the synthetic traffic calls: each with its share of calls, its typical latency and token counts.

interface ModelProfile {
  provider: string;
  model: string;
  /** reported model (dated snapshot) when the provider sends one */
  responseModel: string;
  endpoint: string;
  weight: number;
  medianLatencyMs: number;
  medianInput: number;
  medianOutput: number;
  /** share of input read from the prompt cache, when the call hits it */
  cacheRead: number;
  reasoning: boolean;
}

export const MODELS: ModelProfile[] = [
  {
    provider: "openai",
    model: "gpt-4o-mini",
    responseModel: "gpt-4o-mini-2024-07-18",
    endpoint: "/v1/chat/completions",
    weight: 34,
    medianLatencyMs: 900,
    medianInput: 900,
    medianOutput: 220,
    cacheRead: 0.5,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "gpt-4o",
    responseModel: "gpt-4o-2024-08-06",
    endpoint: "/v1/chat/completions",
    weight: 8,
    medianLatencyMs: 1800,
    medianInput: 1500,
    medianOutput: 350,
    cacheRead: 0.5,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "gpt-4.1",
    responseModel: "gpt-4.1-2025-04-14",
    endpoint: "/v1/responses",
    weight: 7,
    medianLatencyMs: 2200,
    medianInput: 2400,
    medianOutput: 500,
    cacheRead: 0.6,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "o4-mini",
    responseModel: "o4-mini-2025-04-16",
    endpoint: "/v1/chat/completions",
    weight: 4,
    medianLatencyMs: 6000,
    medianInput: 1200,
    medianOutput: 1400,
    cacheRead: 0.4,
    reasoning: true,
  },
  {
    provider: "openai",
    model: "text-embedding-3-small",
    responseModel: "text-embedding-3-small",
    endpoint: "/v1/embeddings",
    weight: 12,
    medianLatencyMs: 160,
    medianInput: 300,
    medianOutput: 0,
    cacheRead: 0,
    reasoning: false,
  },
  {
    provider: "anthropic",
    model: "claude-sonnet-4-5",
    responseModel: "claude-sonnet-4-5-20250929",
    endpoint: "/v1/messages",
    weight: 14,
    medianLatencyMs: 2600,
    medianInput: 3000,
    medianOutput: 450,
    cacheRead: 0.7,
    reasoning: false,
  },
  {
    provider: "anthropic",
    model: "claude-haiku-4-5",
    responseModel: "claude-haiku-4-5-20251001",
    endpoint: "/v1/messages",
    weight: 6,
    medianLatencyMs: 1100,
    medianInput: 1200,
    medianOutput: 250,
    cacheRead: 0.6,
    reasoning: false,
  },
  {
    provider: "gemini",
    model: "gemini-2.5-flash",
    responseModel: "gemini-2.5-flash",
    endpoint: "/v1beta/models/gemini-2.5-flash:generateContent",
    weight: 8,
    medianLatencyMs: 1300,
    medianInput: 1800,
    medianOutput: 300,
    cacheRead: 0.3,
    reasoning: true,
  },
  {
    provider: "mistral",
    model: "mistral-large-2512",
    responseModel: "mistral-large-2512",
    endpoint: "/v1/chat/completions",
    weight: 5,
    medianLatencyMs: 1500,
    medianInput: 1000,
    medianOutput: 300,
    cacheRead: 0,
    reasoning: false,
  },
  {
    provider: "openai",
    model: "ft:gpt-4o-mini:acme:support:unpriced",
    responseModel: "ft:gpt-4o-mini:acme:support:unpriced",
    endpoint: "/v1/chat/completions",
    weight: 2,
    medianLatencyMs: 1000,
    medianInput: 800,
    medianOutput: 200,
    cacheRead: 0,
    reasoning: false,
  },
];

export const MODEL_WEIGHT = MODELS.reduce((s, m) => s + m.weight, 0);
