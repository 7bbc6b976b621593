import type { Usage } from "../domain/usage.ts";
import type { FeeCount } from "../domain/fee.ts";
import type { BatchEvent } from "./batches/batch-event.ts";
import type { BatchPath } from "./batches/batch-paths.ts";
import type { ProviderConfig } from "./provider-config.ts";
import type { PublicRoute } from "./batches/results-url.ts";
import type { EstimateInput } from "../estimation/estimate.ts";

/** What the proxy learns from a request before forwarding it. */
export interface RequestInfo {
  /** a stable endpoint name, e.g. "chat.completions", "messages", "generateContent"; the path when not metered */
  endpoint: string;
  /** whether usage and cost are extracted for this endpoint */
  metered: boolean;
  model: string | null;
  stream: boolean;
  /** Azure deployment name, when the path carries one */
  deployment: string | null;
  /** Azure's `api-version` query parameter, when given (older versions reject `stream_options`) */
  apiVersion?: string;
  /** a batch endpoint (creation, retrieval, results): its answer's body is kept and read at the end */
  batch?: BatchPath;
  /**
   * the adapter read the path strictly itself, percent-escapes decoded as the provider decodes them (a
   * Bedrock model id's `%3A`), so key scopes need not refuse its escapes
   */
  pathChecked?: boolean;
}

/** What the proxy learns from a response (JSON body, or the events of a stream). */
export interface ResponseFacts {
  usage?: Usage;
  responseModel?: string;
  serviceTier?: string;
  errorType?: string;
  errorMessage?: string;
  /**
   * usage a stream reported before it ended early (Anthropic's message_start, Gemini's running totals):
   * its input counts are exact, and estimation completes its output from the text that passed
   */
  partialUsage?: Usage;
  /** the provider's request id when it travels in the body rather than a header (Gemini's responseId) */
  requestId?: string;
  /** the generated text of a JSON response that carried no usage, for estimating output tokens */
  outputText?: string;
  /** the provider's own charge for the call in USD, when it reports one (OpenRouter's usage.cost) */
  reportedCostUsd?: string;
  /** per-request and tool fees the response shows (web searches, grounding…); count null when not reported */
  fees?: FeeCount[];
  /** what a batch endpoint's answer said (a batch created or seen, or its results read) */
  batch?: BatchEvent;
  /**
   * why generation stopped, in the provider's own words, one per choice/candidate in order ("stop",
   * "tool_calls", "end_turn", "MAX_TOKENS", …); read in the same pass as usage
   */
  finishReasons?: string[];
}

/** Per-event verdicts of a stream meter, as bit flags. */
export const PASS = 0;
export const DROP = 1;
export const TOKEN = 2;

/** Watches one stream's events as they pass; one instance per call. */
export interface StreamMeter {
  /**
   * `data` is undefined for blocks without data (comments); for NDJSON streams it is one line, `event`
   * undefined. Returns PASS, DROP and/or TOKEN flags.
   */
  onEvent(event: string | undefined, data: string | undefined): number;
  /** what the stream reported, once it has ended (or been cut) */
  facts(): ResponseFacts;
  /** the generated text seen so far, for estimating output tokens when no usage arrived */
  outputText(): string;
}

/** An incremental parser of a binary stream encoding, fed the body's chunks as they pass. */
export interface BinaryStreamParser {
  push(chunk: Buffer): void;
  end(): void;
}

/** A request on its way upstream, for formats that sign it (`headers` is the raw list, changed in place). */
export interface OutgoingRequest {
  method: string;
  /** the Host header going upstream */
  host: string;
  /** the path on the wire (percent-escapes as sent), the upstream's base path included */
  path: string;
  /** the raw query string, without "?" */
  query: string;
  headers: string[];
  body: Buffer;
}

/** The parsed request, as far as metering needs it. */
export interface ParsedRequest {
  method: string;
  /** the path after /{provider}, without the query string, e.g. "/v1/chat/completions" */
  path: string;
  /** the raw query string without "?", or "" */
  query: string;
  /** the JSON body when the request had one that parsed, else undefined */
  json: Record<string, unknown> | undefined;
}

/** How the provider key Tollgate holds (for virtual-key calls) is sent upstream. */
export interface HeldKeyAuth {
  /** the header, lower-case; a client's `tg_` key is looked for in it too, and removed */
  header: string;
  /** put before the key in the header's value (`"Bearer "`), if any */
  prefix?: string;
}

/**
 * An API served beside another format's on the same host, metering some of its paths (Ollama's /api/chat
 * next to its OpenAI-compatible /v1; Claude's Vertex paths next to Gemini's).
 */
export interface BesideFormat {
  /** the format whose routes carry it; a provider's config cannot name this adapter's own format */
  format: string;
  /** whether this adapter, rather than that format's own, meters the path; called for every call of the format */
  claims(path: string): boolean;
  /** the endpoint names its `inspect` records, which tell its calls apart where only the endpoint is known (price recompute) */
  endpoints: readonly string[];
}

/**
 * One wire format: its paths, how the held key is sent, which request fields cap output, which prices apply,
 * how to find the model, the stream flag and usage, and how errors look. Adapters are plain objects, each in
 * its own folder (./<format>/adapter.ts) with one line in the registry (./index.ts).
 */
export interface ProviderAdapter {
  format: string;
  /** its streams are NDJSON (`application/x-ndjson`, one JSON object per line) rather than SSE */
  ndjson?: boolean;
  /** set when it is served beside another format rather than named in a provider's config */
  beside?: BesideFormat;
  /** how the held provider key is sent on this format's routes (a `beside` adapter's route uses its host's) */
  auth: HeldKeyAuth;
  /**
   * request fields that cap output tokens, first present wins; a dotted name reaches into an object
   * (`generationConfig.maxOutputTokens`). Budgets reserve that many output tokens before forwarding.
   */
  maxOutputFields: readonly string[];
  /** the price table's provider for its calls when not the route's own (Claude on Vertex: "anthropic") */
  priceProvider?: string;
  inspect(req: ParsedRequest): RequestInfo;
  /**
   * Optionally rewrites the request body before forwarding (e.g. asking for stream usage). Returns the new
   * body text and whether the client did not ask for what was added (so the meter hides it), or undefined.
   */
  prepareBody?(info: RequestInfo, body: string, json: Record<string, unknown>): { body: string; hideUsage: boolean } | undefined;
  /** usage and facts from a complete JSON response body (any status) */
  factsFromJson(info: RequestInfo, json: unknown): ResponseFacts;
  /**
   * Optionally, facts from a successful, complete JSON response body's bytes without decoding or parsing all
   * of it, for bodies that are mostly payload (embedding vectors, see ./json-cut.ts); undefined falls back to
   * JSON.parse and factsFromJson.
   */
  factsFromBody?(info: RequestInfo, body: Buffer): ResponseFacts | undefined;
  createStreamMeter(info: RequestInfo, hideUsage: boolean): StreamMeter;
  /**
   * A binary stream encoding the adapter meters (Bedrock's `application/vnd.amazon.eventstream`): its
   * content type and a parser handing each message to the stream meter as (event, data).
   */
  binaryStream?: { contentType: string; parser(onEvent: (event: string, data: string) => void): BinaryStreamParser };
  /** facts the response's headers carry (token counts, the error type); the body's facts take precedence */
  headerFacts?(info: RequestInfo, rawHeaders: readonly string[]): ResponseFacts | undefined;
  /**
   * The format authenticates by signing each request (AWS SigV4) rather than with a key header: a virtual
   * key's calls are signed with the credentials Tollgate holds for the provider, just before they go out.
   */
  signRequest?(provider: ProviderConfig, req: OutgoingRequest): Promise<void>;
  /** whether the provider holds what signRequest needs (else a virtual key's call is refused) */
  canSign?(provider: ProviderConfig): boolean;
  /**
   * Optionally, a rewrite of a successful JSON answer's bytes, applied once the answer has arrived whole
   * (it is held back until then, so only for small answers: Anthropic's batch `results_url`).
   */
  rewriteAnswer?(info: RequestInfo, route: PublicRoute): ((body: Buffer) => Buffer) | undefined;
  /** header names carrying the provider's request id, lower-case */
  requestIdHeaders: readonly string[];
  /** an error body in the provider's own shape, for errors Tollgate answers itself */
  errorBody(type: string, message: string, status: number): string;
  /**
   * text whose tokens approximate the request's input, for estimation when no usage arrives; called only
   * then (at the call's end), never for calls that report usage
   */
  inputText?(json: Record<string, unknown>, info: RequestInfo): EstimateInput;
}
