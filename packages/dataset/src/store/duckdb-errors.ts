// Turns DuckDB's error messages into DatasetErrors with stable codes.
import { DatasetError } from '../errors.js';

const DUPLICATE_KEY = /duplicate key "([^"]*)"/i;
const CONFLICT = /conflict/i;

/** Maps an error thrown by DuckDB to a DatasetError where it has a meaning callers can act on. */
export function fromDuckDBError(error: unknown): unknown {
  // DuckDB's client throws plain Errors; any subclass is someone's own error and passes through untouched.
  if (!(error instanceof Error) || Object.getPrototypeOf(error) !== Error.prototype) return error;
  const duplicate = DUPLICATE_KEY.exec(error.message);
  if (duplicate) {
    return new DatasetError('DUPLICATE_ID', `A record with uuid ${duplicate[1]} already exists; use upsert or update to change it.`, {
      data: { uuid: duplicate[1] },
      cause: error,
    });
  }
  if (CONFLICT.test(error.message) && /transaction/i.test(error.message)) {
    return new DatasetError(
      'TX_CONFLICT',
      'Another transaction changed the same rows at the same time; nothing of this transaction was written. Retry the operation.',
      { cause: error, retryable: true },
    );
  }
  return error;
}
