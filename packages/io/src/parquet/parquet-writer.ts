// Writes Parquet with DuckDB's bundled writer: records stream into a staging CSV next to the target, then
// one `COPY (SELECT ... FROM read_csv(...)) TO ... (FORMAT parquet)` converts it with bounded memory.
import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CsvRowEncoder } from '../csv/csv-row-encoder.js';
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { IoError, abortError } from '../io-error.js';
import { TextFileSink, writeError } from '../text/text-file-sink.js';
import { openPrivateDuckDB } from './private-duckdb.js';

/** The Parquet schema we write, as select expressions over the staging CSV's text columns. */
const BEFORE_EMBEDDING = [
  'uuid',
  'collection',
  'title',
  'content',
  'context',
  `from_json(tags, '["VARCHAR"]') AS tags`,
  'metadata::JSON AS metadata',
  'record_type',
  'parent_id',
  'chunk_index::INTEGER AS chunk_index',
  'source_type',
  'source_uri',
  'content_hash',
];
const EMBEDDING = 'embedding::FLOAT[] AS embedding';
const AFTER_EMBEDDING = ['created_at::TIMESTAMPTZ AS created_at', 'updated_at::TIMESTAMPTZ AS updated_at'];

/** DuckDB refuses CSV lines longer than `max_line_size`; its reader buffers must hold a few such lines. */
const MIN_LINE_SIZE = 2 << 20;
const MIN_BUFFER_SIZE = 32 << 20;

/**
 * DuckDB's Parquet writer holds a whole row group in memory, which it cannot spill. Rows per group follow
 * the records' size (as staged text) so a group stays near 16 MB of text: about 60,000 rows for short
 * documents, a few thousand when each carries a large embedding.
 */
const ROW_GROUP_TEXT_BYTES = 16 << 20;
const MAX_ROW_GROUP = 122_880;
const MIN_ROW_GROUP = 1024;

function copySql(columns: readonly string[], includeEmbeddings: boolean, maxLineBytes: number, averageLineBytes: number): string {
  const rowGroup = Math.max(MIN_ROW_GROUP, Math.min(MAX_ROW_GROUP, Math.floor(ROW_GROUP_TEXT_BYTES / Math.max(1, averageLineBytes))));
  const lineSize = Math.max(MIN_LINE_SIZE, maxLineBytes + 1);
  const bufferSize = Math.max(MIN_BUFFER_SIZE, lineSize * 4);
  const select = [...BEFORE_EMBEDDING, ...(includeEmbeddings ? [EMBEDDING] : []), ...AFTER_EMBEDDING].join(', ');
  const types = columns.map((column) => `'${column}': 'VARCHAR'`).join(', ');
  return (
    `COPY (SELECT ${select} FROM read_csv($1, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', ` +
    `new_line = '\\n', allow_quoted_nulls = false, strict_mode = true, max_line_size = ${lineSize}, buffer_size = ${bufferSize}, ` +
    `columns = {${types}})) TO $2 (FORMAT parquet, ROW_GROUP_SIZE ${rowGroup})`
  );
}

/**
 * Parquet: one column per record field. Text fields are VARCHAR, `tags` VARCHAR[], `metadata` JSON,
 * `chunk_index` INTEGER, the embedding (when written) FLOAT[] (float32, bit for bit), timestamps
 * TIMESTAMPTZ (UTC, microseconds).
 */
export const parquetWriter: FormatWriter = {
  format: 'parquet',
  async create(path, options): Promise<RecordSink> {
    // Staging lives beside the target, on the disk chosen for the export, not in a RAM-backed /tmp.
    const staging = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.staging`);
    try {
      await mkdir(staging);
    } catch (error) {
      throw writeError(staging, error);
    }
    const encoder = new CsvRowEncoder({ delimiter: ',', quote: '"' }, options.includeEmbeddings);
    let sink: TextFileSink;
    try {
      sink = await TextFileSink.create(join(staging, 'records.csv'));
      sink.append(encoder.header());
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    let maxLineBytes = 0;
    let rows = 0;
    const abort = async (): Promise<void> => {
      await sink.discard();
      await rm(staging, { recursive: true, force: true });
      await rm(path, { force: true });
    };
    return {
      async write(records) {
        for (const record of records) {
          const line = encoder.row(record);
          // UTF-16 length times 3 bounds the UTF-8 length without measuring it.
          if (line.length * 3 > maxLineBytes) maxLineBytes = Math.max(maxLineBytes, Buffer.byteLength(line));
          sink.append(line);
          rows += 1;
        }
        await sink.flush();
      },
      async finish(signal) {
        await sink.close();
        // One thread: as fast as two here (the CSV is read in order either way) at half the memory.
        const db = await openPrivateDuckDB({ memoryLimit: '256MB', tempDirectory: join(staging, 'duckdb') });
        const interrupt = (): void => db.connection.interrupt();
        signal?.addEventListener('abort', interrupt, { once: true });
        try {
          await db.connection.run(copySql(encoder.columns, options.includeEmbeddings, maxLineBytes, sink.bytes / Math.max(1, rows)), [sink.path, path]);
        } catch (error) {
          if (signal?.aborted) throw abortError(signal, `Writing "${path}"`);
          throw new IoError('WRITE_FAILED', `DuckDB could not write Parquet file "${path}" (${String((error as Error).message).split('\n')[0]}).`, {
            data: { path },
            cause: error,
          });
        } finally {
          signal?.removeEventListener('abort', interrupt);
          db.close();
          await rm(staging, { recursive: true, force: true });
        }
        return (await stat(path)).size;
      },
      abort,
    };
  },
};
