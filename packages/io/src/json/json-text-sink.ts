// One JSON or JSONL file being written from records that are already JSON text.

/**
 * Takes each record as the text of one JSON object (no newline inside or after it). Call `write` any number
 * of times, then `finish` or, on failure, `abort`.
 */
export interface JsonTextSink {
  write(objects: readonly string[]): Promise<void>;
  /** Completes the file; returns its size in bytes. */
  finish(): Promise<number>;
  /** Stops and removes whatever was written. Safe after `finish` failed. */
  abort(): Promise<void>;
}
