// The writer of each format.
import { csvWriter } from '../csv/csv-writer.js';
import { FORMATS, type Format, isFormat } from '../format.js';
import type { FormatWriter } from '../format-writer.js';
import { IoError } from '../io-error.js';
import { jsonWriter } from '../json/json-writer.js';
import { jsonlWriter } from '../json/jsonl-writer.js';
import { parquetWriter } from '../parquet/parquet-writer.js';

const WRITERS: Readonly<Record<Format, FormatWriter>> = {
  json: jsonWriter,
  jsonl: jsonlWriter,
  csv: csvWriter,
  parquet: parquetWriter,
};

/** The FormatWriter for `format`. */
export function writerFor(format: Format): FormatWriter {
  if (!isFormat(format)) {
    throw new IoError('UNSUPPORTED_FORMAT', `Format ${JSON.stringify(format)} is not supported; use one of ${FORMATS.join(', ')}.`, { data: { format } });
  }
  return WRITERS[format];
}
