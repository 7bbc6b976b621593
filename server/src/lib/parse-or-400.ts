import type { z } from "zod";
import { TollgateError } from "./errors.ts";

/**
 * Parses input (a body, a query) against a schema; the first problem becomes a 400 naming its field, or
 * `what` ("body", "query") when it has none.
 */
export function parseOr400<S extends z.ZodType>(schema: S, input: unknown, what = "body"): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new TollgateError("invalid_request", `${issue?.path.join(".") || what}: ${issue?.message ?? "invalid"}`);
}
