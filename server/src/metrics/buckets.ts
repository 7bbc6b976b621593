/** Histogram buckets, in seconds. LLM calls span milliseconds (cached, errors) to many minutes (long reasoning). */
export const REQUEST_DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600];

/** Time to first token: typically 0.2–3 s, reasoning models up to a minute or more. */
export const TTFT_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10, 20, 30, 60, 120];

/** Time spent inside Tollgate per call: normally well under a millisecond. */
export const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** One recorder batch insert (thousands of rows): a few ms normally, seconds when Postgres struggles. */
export const BATCH_DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
