// The API in one import: response types (api/types.ts, mostly the server's own), the client and its 401
// signal (api/client.ts), writes (api/commands.ts), read paths (api/paths.ts) and outcomes (api/outcomes.ts).
export type * from "./api/types.ts";
export { ApiError, apiGet, login, onUnauthorized } from "./api/client.ts";
export * from "./api/commands.ts";
export { OUTCOMES } from "./api/outcomes.ts";
export * from "./api/paths.ts";
