/**
 * Folds Gemini streamGenerateContent chunks (SSE events, or the elements of the JSON array it answers
 * without alt=sse) back into one GenerateContentResponse: each candidate's parts, consecutive text joined,
 * function calls kept in order, its finish reason, and the last (final) usageMetadata.
 */

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Json) : undefined);

interface CandidateParts {
  role: unknown;
  parts: Json[];
  rest: Json;
}

export function assembleGemini(chunks: readonly unknown[]): Json {
  const out: Json = {};
  const candidates = new Map<number, CandidateParts>();
  for (const c of chunks) {
    const chunk = obj(c);
    if (!chunk) continue;
    for (const k of ["usageMetadata", "modelVersion", "responseId", "promptFeedback", "error"])
      if (chunk[k] !== undefined) out[k] = chunk[k];
    for (const raw of Array.isArray(chunk.candidates) ? chunk.candidates : []) {
      const candidate = obj(raw);
      if (!candidate) continue;
      const index = typeof candidate.index === "number" ? candidate.index : 0;
      let acc = candidates.get(index);
      if (!acc) candidates.set(index, (acc = { role: "model", parts: [], rest: {} }));
      const content = obj(candidate.content);
      if (content?.role !== undefined) acc.role = content.role;
      for (const p of Array.isArray(content?.parts) ? content.parts : []) {
        const part = obj(p);
        if (!part) continue;
        const last = acc.parts[acc.parts.length - 1];
        // Text continues the previous text part (thought and answer text stay apart).
        if (
          typeof part.text === "string" &&
          last &&
          typeof last.text === "string" &&
          Boolean(last.thought) === Boolean(part.thought) &&
          Object.keys(part).every((k) => k === "text" || k === "thought")
        ) {
          last.text += part.text;
        } else acc.parts.push({ ...part });
      }
      for (const [k, v] of Object.entries(candidate)) if (k !== "content" && k !== "index") acc.rest[k] = v;
    }
  }
  out.candidates = [...candidates.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, c]) => ({ content: { role: c.role, parts: c.parts }, ...c.rest, index }));
  return out;
}
