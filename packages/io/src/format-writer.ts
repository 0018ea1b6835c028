// The interface each format implements to write records to one file.
import type { FrameRecord } from '@contextframe/dataset';
import type { CsvDialect } from './csv/csv-dialect.js';
import type { Format } from './format.js';

export interface FormatWriteOptions {
  /** Write each record's embedding (as float32); otherwise the field is left out. */
  readonly includeEmbeddings: boolean;
  readonly csv: CsvDialect;
}

/** One file being written. Call `write` any number of times, then `finish` or, on failure, `abort`. */
export interface RecordSink {
  write(records: readonly FrameRecord[]): Promise<void>;
  /** Completes the file; returns its size in bytes. */
  finish(signal?: AbortSignal): Promise<number>;
  /** Stops and removes whatever was written. Safe after `finish` failed. */
  abort(): Promise<void>;
}

/** Writes one format. `create` makes a new file at `path`, which must not exist yet. */
export interface FormatWriter {
  readonly format: Format;
  create(path: string, options: FormatWriteOptions): Promise<RecordSink>;
}
