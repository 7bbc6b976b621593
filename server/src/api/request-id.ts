import type { RequestHandler } from "express";
import { uuidv7 } from "../lib/uuidv7.ts";

const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * Every /api response carries `x-request-id` (the caller's own when it sent a well-formed one), is never
 * cached, and is never sniffed as another content type. No CORS headers are set: browsers on other origins
 * cannot read the API, and preflights get no allowance.
 */
export const apiResponseHeaders: RequestHandler = (req, res, next) => {
  const incoming = req.headers["x-request-id"];
  res.setHeader("x-request-id", typeof incoming === "string" && SAFE_ID.test(incoming) ? incoming : uuidv7(Date.now()));
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  next();
};
