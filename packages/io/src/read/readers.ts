// The reader of each format.
import { csvReader } from '../csv/csv-reader.js';
import { FORMATS, type Format, isFormat } from '../format.js';
import type { FormatReader } from '../format-reader.js';
import { IoError } from '../io-error.js';
import { jsonReader } from '../json/json-reader.js';
import { jsonlReader } from '../json/jsonl-reader.js';
import { parquetReader } from '../parquet/parquet-reader.js';

const READERS: Readonly<Record<Format, FormatReader>> = {
  json: jsonReader,
  jsonl: jsonlReader,
  csv: csvReader,
  parquet: parquetReader,
};

/** The FormatReader for `format`. */
export function readerFor(format: Format): FormatReader {
  if (!isFormat(format)) {
    throw new IoError('UNSUPPORTED_FORMAT', `Format ${JSON.stringify(format)} is not supported; use one of ${FORMATS.join(', ')}.`, { data: { format } });
  }
  return READERS[format];
}
