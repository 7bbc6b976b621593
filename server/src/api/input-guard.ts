import type { ErrorRequestHandler, RequestHandler } from "express";
import { TollgateError } from "../lib/errors.ts";

interface WellFormedString {
  isWellFormed(): boolean;
}

/** Why a string cannot be a parameter (Postgres refuses NUL; lone surrogates are not text), or null. */
function problem(s: string): string | null {
  if (s.indexOf("\0") !== -1) return "contains a NUL character";
  if (!(s as unknown as WellFormedString).isWellFormed()) return "is not valid Unicode text";
  return null;
}

/** The first bad string in a parsed JSON body or query object, as [where, why]; depth-bounded. */
function findBad(value: unknown, where: string, depth = 0): [string, string] | null {
  if (typeof value === "string") {
    const why = problem(value);
    return why ? [where, why] : null;
  }
  if (value === null || typeof value !== "object" || depth > 32) return null;
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const path = where ? `${where}.${key}` : key;
    const whyKey = problem(key);
    if (whyKey) return [path, `name ${whyKey}`];
    const found = findBad(inner, path, depth + 1);
    if (found) return found;
  }
  return null;
}

function decodedPath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/**
 * Refuses admin API requests whose path, query parameters or JSON body hold text Postgres cannot take (NUL,
 * `%00`) or that is not Unicode (lone surrogates, broken percent-encoding): 400 naming the parameter, for
 * every route — rather than a 500 when the value reaches a query. Runs after the JSON body parser.
 */
export const rejectInvalidText: RequestHandler = (req, _res, next) => {
  const path = decodedPath(req.path);
  if (path === null) return next(new TollgateError("invalid_request", "path: invalid percent-encoding"));
  const pathWhy = problem(path);
  if (pathWhy) return next(new TollgateError("invalid_request", `path: ${pathWhy}`));
  const inQuery = findBad(req.query, "");
  if (inQuery) return next(new TollgateError("invalid_request", `query parameter ${inQuery[0]}: ${inQuery[1]}`));
  const inBody = findBad(req.body, "");
  if (inBody) return next(new TollgateError("invalid_request", `body ${inBody[0] || "value"}: ${inBody[1]}`));
  next();
};

/**
 * The backstop: a value that still reaches Postgres and is refused for its data (SQLSTATE class 22: a
 * malformed id, a number out of range) is the request's fault, so 400 rather than 500.
 */
export const dataErrorsAreBadRequests: ErrorRequestHandler = (err, _req, _res, next) => {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("22"))
    return next(new TollgateError("invalid_request", `invalid parameter value: ${(err as Error).message}`));
  next(err);
};
