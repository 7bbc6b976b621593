/** The rollup tables and their time column: hourly rows, and the same figures per UTC day. */
export const ROLLUP_LEVELS = [
  { table: "call_rollups_hourly", time: "hour", unit: "hour" },
  { table: "call_rollups_daily", time: "day", unit: "day" },
] as const;

export type RollupLevel = (typeof ROLLUP_LEVELS)[number];
