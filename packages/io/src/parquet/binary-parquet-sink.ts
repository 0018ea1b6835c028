// Writes Parquet with embeddings: records are copied into DuckDB data chunks as bytes and appended to a
// staging table of a private DuckDB that spills to a folder beside the target, then one
// `COPY (SELECT ... FROM staging) TO ... (FORMAT parquet)` writes the file. Floats never become text.
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { CHUNK_ROWS } from '@contextframe/dataset/duckdb-vectors';
import type { DuckDBAppender } from '@duckdb/node-api';
import type { RecordSink } from '../format-writer.js';
import { abortError } from '../io-error.js';
import { parquetWriteFailed } from './parquet-write-failed.js';
import { type PrivateDuckDB, openPrivateDuckDB } from './private-duckdb.js';
import { RecordChunkEncoder } from './record-chunk-encoder.js';
import { rowGroupSize } from './row-group-size.js';
import { makeStagingFolder } from './staging-folder.js';

const STAGING_TABLE = 'staging';

/** What the private DuckDB may hold in memory before it spills to its temp directory. */
const MEMORY_LIMIT = '128MB';

/**
 * The appender buffers rows until a flush moves them into the table, where they can spill; flushing after
 * about this many bytes of records bounds that buffer when records carry large embeddings.
 */
const FLUSH_BYTES = 32 << 20;

/**
 * A sink writing records with their embeddings to the Parquet file `path`, staging them in a private DuckDB
 * that spills to a folder beside `path`; the folder is removed when the sink finishes or aborts. Throws
 * INVALID_RECORD (a value a column cannot hold exactly), WRITE_FAILED, ABORTED.
 */
export async function createBinaryParquetSink(path: string): Promise<RecordSink> {
  const staging = await makeStagingFolder(path);
  const encoder = new RecordChunkEncoder();
  let db: PrivateDuckDB | null = null;
  let appender: DuckDBAppender | null = null;
  try {
    db = await openPrivateDuckDB({ memoryLimit: MEMORY_LIMIT, tempDirectory: join(staging, 'spill') });
    await db.connection.run(encoder.createTableSql(STAGING_TABLE));
    appender = await db.connection.createAppender(STAGING_TABLE);
  } catch (error) {
    db?.close();
    await rm(staging, { recursive: true, force: true });
    throw parquetWriteFailed(path, error);
  }
  const connection = db.connection;
  let rows = 0;
  let flushedBytes = 0;
  let closed = false;
  // Closes the appender and the database once, whatever state they are in, and removes the staging folder.
  const release = async (): Promise<void> => {
    if (!closed) {
      closed = true;
      try {
        appender?.closeSync();
      } catch {
        // A failed flush inside close has nothing left to report: the write is being abandoned.
      }
      db.close();
    }
    await rm(staging, { recursive: true, force: true });
  };
  return {
    async write(records) {
      for (let start = 0; start < records.length; start += CHUNK_ROWS) {
        const chunk = encoder.encode(records, start, Math.min(records.length, start + CHUNK_ROWS));
        try {
          appender!.appendDataChunk(chunk);
          if (encoder.bytes - flushedBytes >= FLUSH_BYTES) {
            appender!.flushSync();
            flushedBytes = encoder.bytes;
          }
        } catch (error) {
          throw parquetWriteFailed(path, error);
        }
        rows += chunk.rowCount;
      }
    },
    async finish(signal) {
      const interrupt = (): void => connection.interrupt();
      signal?.addEventListener('abort', interrupt, { once: true });
      try {
        if (signal?.aborted) throw abortError(signal, `Writing "${path}"`);
        try {
          appender!.flushSync();
          appender!.closeSync();
          appender = null;
          // No dictionary pages: DuckDB's dictionary merges -0 into 0 (they compare equal), which would break
          // float32 exactness whenever a column chunk holds both; embeddings rarely repeat enough to gain from one.
          await connection.run(
            `COPY (SELECT ${encoder.selectSql()} FROM ${STAGING_TABLE}) TO $1 (FORMAT parquet, ROW_GROUP_SIZE ${rowGroupSize(rows, encoder.bytes)}, DICTIONARY_SIZE_LIMIT 0)`,
            [path],
          );
        } catch (error) {
          if (signal?.aborted) throw abortError(signal, `Writing "${path}"`);
          throw parquetWriteFailed(path, error);
        }
        // An abort that came too late to interrupt DuckDB still cancels the write.
        if (signal?.aborted) throw abortError(signal, `Writing "${path}"`);
      } catch (error) {
        await release();
        await rm(path, { force: true });
        throw error;
      } finally {
        signal?.removeEventListener('abort', interrupt);
      }
      await release();
      return (await stat(path)).size;
    },
    async abort() {
      await release();
      await rm(path, { force: true });
    },
  };
}
