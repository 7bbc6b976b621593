import type { CallState } from "./call-state.ts";
import type { Metering } from "./finish.ts";

const MAX_ERROR_BODY = 8 * 1024;

/**
 * The facts of a call whose body is over (whole or cut): its stream meter's, else those read from the kept
 * JSON body (an error body's text kept too); then what the response's headers said, the body's facts first.
 */
export function readFacts(call: CallState, metering: Metering, complete: boolean): void {
  readBodyFacts(call, metering, complete);
  const fromHeaders = call.headerFacts;
  if (fromHeaders) call.facts = { ...fromHeaders, ...call.facts, usage: call.facts.usage ?? fromHeaders.usage };
}

function readBodyFacts(call: CallState, metering: Metering, complete: boolean): void {
  try {
    if (call.meter) {
      call.facts = call.meter.facts();
      return;
    }
    const chunks = call.bodyChunks;
    if (!chunks || chunks.length === 0) return;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    // Only a whole body is cut (not one the upstream cut short, nor one past MAX_JSON_BODY): its end is real.
    const whole = complete && call.bodyChunksBytes === call.responseBytes;
    const read = call.status < 400 && whole ? call.adapter.factsFromBody?.(call.info, body) : undefined;
    if (read) {
      call.facts = read;
      return;
    }
    const text = body.toString("utf8");
    if (call.status >= 400) call.errorBodyText = text.slice(0, MAX_ERROR_BODY);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return; // garbage or truncated JSON: forwarded as is, recorded without usage
    }
    call.facts = call.adapter.factsFromJson(call.info, json);
  } catch (err) {
    metering.onFailure("usage", err, call);
  } finally {
    call.bodyChunks = null;
  }
}
