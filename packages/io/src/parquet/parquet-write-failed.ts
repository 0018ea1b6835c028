// The error both Parquet writers throw when DuckDB cannot stage or write the file.
import { IoError } from '../io-error.js';

/** WRITE_FAILED for `path`, with the first line of DuckDB's message and the error as its cause. */
export function parquetWriteFailed(path: string, error: unknown): IoError {
  return new IoError('WRITE_FAILED', `DuckDB could not write Parquet file "${path}" (${String((error as Error).message).split('\n')[0]}); check the disk space and permissions.`, {
    data: { path },
    cause: error,
  });
}
