// The file formats io reads and writes, and how a path names one.
import { extname } from 'node:path';
import { IoError } from './io-error.js';

/** Every format io reads and writes. */
export const FORMATS = ['json', 'jsonl', 'csv', 'parquet'] as const;

/** A file format: a JSON array (or `{ "documents": [...] }`), JSON Lines, CSV with a header row, or Parquet. */
export type Format = (typeof FORMATS)[number];

const EXTENSIONS: Readonly<Record<string, Format>> = {
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The extension io gives files it writes in `format`, with the dot. */
export function extensionFor(format: Format): string {
  return `.${format}`;
}

/** True when `value` names a format. */
export function isFormat(value: unknown): value is Format {
  return typeof value === 'string' && (FORMATS as readonly string[]).includes(value);
}

/**
 * The format a path's extension names (case-insensitive): .json, .jsonl/.ndjson, .csv, .parquet/.pq.
 * Throws UNSUPPORTED_FORMAT for anything else.
 */
export function detectFormat(path: string): Format {
  const extension = extname(path).toLowerCase();
  const format = EXTENSIONS[extension];
  if (format === undefined) {
    throw new IoError(
      'UNSUPPORTED_FORMAT',
      `Cannot tell the format of "${path}" from its extension "${extension}"; name the format ` +
        `(one of ${FORMATS.join(', ')}) or use a .json, .jsonl, .ndjson, .csv, .parquet or .pq file.`,
      { data: { path, extension } },
    );
  }
  return format;
}
