// How many rows each Parquet row group holds, for both writers.

/**
 * DuckDB's Parquet writer holds a whole row group in memory, which it cannot spill. Rows per group follow
 * the records' size (as staged) so a group stays near 16 MB: about 60,000 rows for short documents, a few
 * thousand when each carries a large embedding.
 */
const ROW_GROUP_BYTES = 16 << 20;
const MAX_ROW_GROUP = 122_880;
const MIN_ROW_GROUP = 1024;

/** Rows per row group for `rows` records that took `bytes` when staged. */
export function rowGroupSize(rows: number, bytes: number): number {
  return Math.max(MIN_ROW_GROUP, Math.min(MAX_ROW_GROUP, Math.floor(ROW_GROUP_BYTES / Math.max(1, bytes / Math.max(1, rows)))));
}
