// The interface each format implements to read a file: raw rows out, before field mapping and validation.
import type { Format } from './format.js';

/** One row's fields as the file holds them (JSON values; strings or null for CSV; see each reader). */
export type SourceFields = Readonly<Record<string, unknown>>;

/** A row the format could read. `row` is 1-based (see `openReader` for what each format counts). */
export interface SourceRow {
  readonly row: number;
  readonly fields: SourceFields;
}

/** A row the format could not read, though the rest of the file can be (a JSONL line that is not JSON). */
export interface SourceRowError {
  readonly row: number;
  readonly error: string;
}

export type SourceItem = SourceRow | SourceRowError;

/** CSV dialect: one ASCII character each, different from each other and from `\r` and `\n`. */
export interface CsvOptions {
  /** Field separator; default `,`. */
  readonly delimiter?: string;
  /** Quote character; default `"`. A quote inside a quoted field is written twice. */
  readonly quote?: string;
}

export interface FormatReadOptions {
  readonly csv?: CsvOptions;
  readonly signal?: AbortSignal;
}

/** An open file: its columns when the format has a header or schema, and its rows in batches. */
export interface SourceReader extends AsyncIterable<readonly SourceItem[]> {
  /** Column names for CSV (the header) and Parquet (the schema); null for JSON and JSONL. */
  readonly columns: readonly string[] | null;
  /** The part of the file read so far, from 0 to 1 (bytes for text formats, rows for Parquet). */
  progress(): number;
  /** Releases the file; safe to call more than once and after iteration ended. */
  close(): Promise<void>;
}

/**
 * Reads one format. `open` fails fast (missing file, not this format at all); iteration yields rows in
 * file order with bounded memory and throws IoError PARSE_ERROR where the rest of the file cannot be read.
 */
export interface FormatReader {
  readonly format: Format;
  open(path: string, options: FormatReadOptions): Promise<SourceReader>;
}

/** True when the item is a readable row. */
export function isSourceRow(item: SourceItem): item is SourceRow {
  return 'fields' in item;
}
