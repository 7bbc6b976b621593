import pino from "pino";

export type Logger = pino.Logger;

/**
 * Structured JSON logs. Secrets never reach them: nothing logs request headers, and these paths are
 * redacted in case an object carrying them is ever logged.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: "tollgate" },
      redact: {
        paths: [
          "*.authorization",
          "*.Authorization",
          "*.headers.authorization",
          '*.headers["x-api-key"]',
          '*.headers["x-goog-api-key"]',
          '*.headers["api-key"]',
          "*.apiKey",
          "*.key",
          "*.token",
          "*.password",
        ],
        censor: "[redacted]",
      },
    },
    destination,
  );
}
