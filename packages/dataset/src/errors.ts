// The one error type of @contextframe/dataset: a stable string code, a message that says what to do, optional data.

/** Every code a dataset error can carry. Codes are part of the public contract: agents branch on them. */
export type DatasetErrorCode =
  | 'FILTER_SYNTAX'
  | 'FILTER_TYPE'
  | 'UNKNOWN_FIELD'
  | 'INVALID_ARGUMENT'
  | 'INVALID_RECORD'
  | 'DUPLICATE_ID'
  | 'NOT_FOUND'
  | 'EMBEDDING_MISMATCH'
  | 'EMBEDDER_FAILED'
  | 'SCHEMA_TOO_NEW'
  | 'TX_CONFLICT'
  | 'DATASET_CLOSED'
  | 'ABORTED';

export interface DatasetErrorOptions {
  readonly data?: unknown;
  readonly cause?: unknown;
  /** True when repeating the same operation may succeed (a write-write conflict, a rate limit). */
  readonly retryable?: boolean;
}

/** An error raised by the dataset package. `code` is stable; `message` tells the caller what to do. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  readonly code: DatasetErrorCode;
  readonly data: unknown;
  readonly retryable: boolean;

  constructor(code: DatasetErrorCode, message: string, options: DatasetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
    this.retryable = options.retryable ?? false;
  }
}

/** True when `error` is a DatasetError, optionally with the given code. */
export function isDatasetError(error: unknown, code?: DatasetErrorCode): error is DatasetError {
  return error instanceof DatasetError && (code === undefined || error.code === code);
}
