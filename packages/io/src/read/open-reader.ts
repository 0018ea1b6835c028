// Opens a file of any format as a stream of validated records and row errors: the reading half of import.
import type { NewRecord } from '@contextframe/dataset';
import type { Format } from '../format.js';
import { type CsvOptions, type FormatReader, type SourceItem, isSourceRow } from '../format-reader.js';
import { IoError, abortError } from '../io-error.js';
import { type FieldMapping, createFieldMapper } from '../mapping/field-mapper.js';
import { readerFor } from './readers.js';

/** A row that became a record. */
export interface RecordRow {
  readonly ok: true;
  readonly row: number;
  readonly record: NewRecord;
}

/** A row that did not: its number, the field at fault (null when the whole row is), and why. */
export interface RowError {
  readonly ok: false;
  readonly row: number;
  readonly field: string | null;
  readonly error: string;
}

export type ReadItem = RecordRow | RowError;

export interface ReadOptions {
  /** `{ "source.path": "target" }`; see `createFieldMapper`. */
  readonly mapping?: FieldMapping;
  /** Source fields that are neither record fields nor mapped: kept in `metadata` (default) or dropped. */
  readonly unmapped?: 'metadata' | 'drop';
  /** Unknown source fields are row errors (CSV and Parquet: SCHEMA_MISMATCH when the file is opened). */
  readonly requireSchemaMatch?: boolean;
  /** Row errors to pass on before reading stops with TOO_MANY_ERRORS; default 10. Infinity never stops. */
  readonly maxErrors?: number;
  readonly csv?: CsvOptions;
  readonly signal?: AbortSignal;
}

/** An open file of records. Iterate it (per row, or `batches()` for speed) once; `close` if you stop early. */
export interface RecordReader extends AsyncIterable<ReadItem> {
  readonly format: Format;
  readonly path: string;
  /** CSV header or Parquet schema column names; null for JSON and JSONL. */
  readonly columns: readonly string[] | null;
  /** The rows in file order, in batches of a few thousand, with memory bounded by one batch. */
  batches(): AsyncIterable<readonly ReadItem[]>;
  /** Rows read so far, and how many of them were errors. */
  readonly stats: { readonly rows: number; readonly errors: number };
  /** The part of the file read so far, from 0 to 1: bytes for text formats, rows for Parquet. */
  progress(): number;
  close(): Promise<void>;
}

/**
 * Opens `path` as `format` (see `detectFormat`). Throws FILE_NOT_FOUND, PARSE_ERROR (not that format at
 * all), SCHEMA_MISMATCH or INVALID_OPTIONS at once; while iterating, yields one item per row — a record, or
 * `{ ok: false, row, field, error }` — and throws PARSE_ERROR where the rest of the file cannot be read,
 * TOO_MANY_ERRORS after `maxErrors` row errors, ABORTED when `signal` fires.
 *
 * Row numbers are 1-based positions of data rows: the element of a JSON array; the line of a JSONL file
 * (blank lines keep their numbers); the record after a CSV header (the header is not a row); the Parquet row.
 */
export async function openReader(format: Format, path: string, options: ReadOptions = {}): Promise<RecordReader> {
  const maxErrors = options.maxErrors ?? 10;
  if (!(maxErrors >= 0)) {
    throw new IoError('INVALID_OPTIONS', `maxErrors must be 0 or more, got ${maxErrors}.`, { data: { maxErrors } });
  }
  const mapper = createFieldMapper(options.mapping, {
    ...(options.unmapped === undefined ? {} : { unmapped: options.unmapped }),
    ...(options.requireSchemaMatch === undefined ? {} : { requireSchemaMatch: options.requireSchemaMatch }),
  });
  const reader: FormatReader = readerFor(format);
  const source = await reader.open(path, { ...(options.csv === undefined ? {} : { csv: options.csv }), ...(options.signal === undefined ? {} : { signal: options.signal }) });
  if (source.columns !== null) {
    const unknown = source.columns.filter((column) => !mapper.accepts(column));
    if (unknown.length > 0) {
      await source.close();
      throw new IoError(
        'SCHEMA_MISMATCH',
        `"${path}" has column${unknown.length === 1 ? '' : 's'} ${unknown.map((c) => `"${c}"`).join(', ')} that ${unknown.length === 1 ? 'is' : 'are'} not record fields ` +
          'and not mapped; map them (e.g. to metadata.<name>) or turn off require_schema_match.',
        { data: { path, columns: unknown } },
      );
    }
  }

  const stats = { rows: 0, errors: 0 };
  const errors: RowError[] = [];
  let started = false;
  // Converts a batch; stops at the row error that is one too many, returning the rows before it and the error.
  const convert = (items: readonly SourceItem[]): { items: ReadItem[]; tooMany: IoError | null } => {
    const out: ReadItem[] = [];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      let result: ReadItem;
      if (isSourceRow(item)) {
        const mapped = mapper.map(item.fields);
        result = mapped.ok ? { ok: true, row: item.row, record: mapped.record } : { ok: false, row: item.row, field: mapped.field, error: mapped.error };
      } else {
        result = { ok: false, row: item.row, field: null, error: item.error };
      }
      stats.rows += 1;
      if (!result.ok) {
        stats.errors += 1;
        if (errors.length <= maxErrors && errors.length < 100) errors.push(result);
        if (stats.errors > maxErrors) {
          const tooMany = new IoError(
            'TOO_MANY_ERRORS',
            `"${path}" has more than ${maxErrors} bad row${maxErrors === 1 ? '' : 's'} (row ${result.row}: ${result.error}); ` +
              'fix the file or the field mapping, or raise max_errors.',
            { data: { path, maxErrors, errors: [...errors] } },
          );
          return { items: out, tooMany };
        }
      }
      out.push(result);
    }
    return { items: out, tooMany: null };
  };

  async function* batches(): AsyncGenerator<readonly ReadItem[]> {
    if (started) throw new IoError('INVALID_OPTIONS', `"${path}" is already being read; open it again to read it twice.`, { data: { path } });
    started = true;
    try {
      for await (const items of source) {
        if (options.signal?.aborted) throw abortError(options.signal, `Reading "${path}"`);
        const { items: converted, tooMany } = convert(items);
        if (converted.length > 0) yield converted;
        if (tooMany !== null) throw tooMany;
      }
    } finally {
      await source.close();
    }
  }

  return {
    format,
    path,
    columns: source.columns,
    stats,
    progress: () => source.progress(),
    batches,
    close: () => source.close(),
    async *[Symbol.asyncIterator]() {
      for await (const batch of batches()) yield* batch;
    },
  };
}
