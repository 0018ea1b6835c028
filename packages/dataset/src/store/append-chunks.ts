// Bulk appends through DuckDB's Appender, one data chunk of up to 2,048 rows per native call.
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';

/** DuckDB's standard vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

/**
 * Appends `rowCount` rows to `table` inside whatever transaction `connection` has open. `makeChunk(start, end)`
 * builds the data chunk of rows [start, end). The appender is always closed; when the flush fails (a duplicate
 * key, say), its error is the one thrown, not the close's echo of it.
 */
export async function appendChunks(
  connection: DuckDBConnection,
  table: string,
  rowCount: number,
  makeChunk: (start: number, end: number) => DuckDBDataChunk,
): Promise<void> {
  if (rowCount === 0) return;
  const appender = await connection.createAppender(table);
  let failed = false;
  let closeError: { error: unknown } | undefined;
  try {
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
      appender.appendDataChunk(makeChunk(start, Math.min(rowCount, start + CHUNK_ROWS)));
    }
    appender.flushSync();
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // The flush error wins over a close error; a close error alone is reported after the finally.
    try {
      appender.closeSync();
    } catch (error) {
      if (!failed) closeError = { error };
    }
  }
  if (closeError !== undefined) throw closeError.error;
}
