// Bulk appends through DuckDB's Appender, one data chunk of up to 2,048 rows per native call.
import type { DuckDBConnection, DuckDBDataChunk } from '@duckdb/node-api';

/** DuckDB's standard vector size: the most rows one data chunk holds. */
export const CHUNK_ROWS = 2048;

/**
 * Appends `rowCount` rows to `table` inside whatever transaction `connection` has open. `makeChunk(start, end)`
 * builds the data chunk of rows [start, end). See `appendChunkStream`.
 */
export function appendChunks(
  connection: DuckDBConnection,
  table: string,
  rowCount: number,
  makeChunk: (start: number, end: number) => DuckDBDataChunk,
): Promise<void> {
  function* chunks(): Generator<DuckDBDataChunk> {
    for (let start = 0; start < rowCount; start += CHUNK_ROWS) yield makeChunk(start, Math.min(rowCount, start + CHUNK_ROWS));
  }
  return appendChunkStream(connection, table, chunks());
}

/**
 * Appends every chunk `chunks` yields to `table` inside whatever transaction `connection` has open; a chunk
 * is built only once the previous one is appended, so the rows need not all exist at once. No chunks, no
 * appender. The appender is always closed; when the flush fails (a duplicate key, say), its error is the one
 * thrown, not the close's echo of it.
 */
export async function appendChunkStream(connection: DuckDBConnection, table: string, chunks: Iterable<DuckDBDataChunk>): Promise<void> {
  const iterator = chunks[Symbol.iterator]();
  let next = iterator.next();
  if (next.done === true) return;
  const appender = await connection.createAppender(table);
  let failed = false;
  let closeError: { error: unknown } | undefined;
  try {
    for (; next.done !== true; next = iterator.next()) appender.appendDataChunk(next.value);
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
