// The Parquet FormatWriter: one schema, two ways to stage records, chosen by whether embeddings are written.
import type { FormatWriter, RecordSink } from '../format-writer.js';
import { createBinaryParquetSink } from './binary-parquet-sink.js';
import { createCsvStagedParquetSink } from './csv-staged-parquet-sink.js';

/**
 * Parquet: one column per record field. Text fields are VARCHAR, `tags` VARCHAR[], `metadata` JSON,
 * `chunk_index` INTEGER, the embedding (when written) FLOAT[] (float32, bit for bit), timestamps
 * TIMESTAMPTZ (UTC, microseconds). Embeddings go to DuckDB as binary chunks, since parsing floats as text
 * took most of the time; records without them go as CSV text, which is faster for text alone.
 */
export const parquetWriter: FormatWriter = {
  format: 'parquet',
  create(path, options): Promise<RecordSink> {
    return options.includeEmbeddings ? createBinaryParquetSink(path) : createCsvStagedParquetSink(path);
  },
};
