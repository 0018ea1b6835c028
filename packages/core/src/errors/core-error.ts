// The one error type of @contextframe/core: a stable string code, a message that says what to do, optional data.
import { type DatasetErrorCode, isDatasetError } from '@contextframe/dataset';
import { type ExtractErrorCode, isExtractError } from '@contextframe/extract';
import { type IoErrorCode, isIoError } from '@contextframe/io';

/** Codes raised by core itself. */
export type CoreOwnErrorCode =
  | 'INVALID_INPUT'
  | 'BATCH_TOO_LARGE'
  | 'TX_ROLLED_BACK'
  | 'MAX_DOCUMENTS_EXCEEDED'
  | 'CONFIRM_COUNT_MISMATCH'
  | 'CANCELLED'
  | 'PATH_OUTSIDE_ROOTS'
  // sources (batch_extract): files under the roots and fetched URLs
  | 'NOT_A_FILE'
  | 'FILE_READ_FAILED'
  | 'TOO_LARGE'
  | 'TOO_MANY_FILES'
  | 'TOO_DEEP'
  | 'URL_NOT_ALLOWED'
  | 'URL_FETCH_FAILED'
  | 'URL_TIMEOUT'
  | 'URL_TOO_MANY_REDIRECTS'
  // enhancers (batch_enhance): the provider failed a request for good
  | 'ENHANCER_FAILED'
  | 'INTERNAL';

/**
 * Every code a core error can carry: core's own, plus the dataset's codes, which pass through unchanged
 * (a bad filter is FILTER_SYNTAX whether the dataset or core reports it), and so do io's (FILE_EXISTS, TOO_MANY_ERRORS...). The dataset's ABORTED becomes
 * CANCELLED, so cancellation has one code.
 */
export type CoreErrorCode =
  | CoreOwnErrorCode
  | Exclude<DatasetErrorCode, 'ABORTED'>
  | Exclude<IoErrorCode, 'ABORTED'>
  | Exclude<ExtractErrorCode, 'ABORTED'>;

export interface CoreErrorOptions {
  readonly data?: unknown;
  readonly cause?: unknown;
  /** True when repeating the same call may succeed (a write-write conflict, a rate limit). */
  readonly retryable?: boolean;
}

/** An error raised by a batch operation. `code` is stable; `message` tells the caller what to do. */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly code: CoreErrorCode;
  readonly data: unknown;
  readonly retryable: boolean;

  constructor(code: CoreErrorCode, message: string, options: CoreErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
    this.retryable = options.retryable ?? false;
  }

  /**
   * Turns anything thrown into a CoreError: a CoreError is returned as is, a DatasetError keeps its code,
   * message, data and retryability (ABORTED becomes CANCELLED), an AbortSignal's reason becomes CANCELLED and
   * anything else becomes INTERNAL. The original is always kept as `cause`.
   */
  static from(error: unknown, signal?: AbortSignal): CoreError {
    if (error instanceof CoreError) return error;
    if (isCancellation(error, signal)) return cancelledError(error);
    if (isDatasetError(error)) {
      // ABORTED was handled by isCancellation above.
      const code = error.code as Exclude<DatasetErrorCode, 'ABORTED'>;
      return new CoreError(code, error.message, { data: error.data, cause: error, retryable: error.retryable });
    }
    if (isIoError(error)) {
      // ABORTED was handled by isCancellation above.
      return new CoreError(error.code as Exclude<IoErrorCode, 'ABORTED'>, error.message, { data: error.data, cause: error });
    }
    if (isExtractError(error)) {
      // ABORTED was handled by isCancellation above.
      return new CoreError(error.code as Exclude<ExtractErrorCode, 'ABORTED'>, error.message, { data: error.data, cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new CoreError('INTERNAL', `Internal error: ${message}. This is a bug in contextframe; the cause is kept for the log.`, {
      cause: error,
    });
  }
}

/** True when `error` is a CoreError, optionally with the given code. */
export function isCoreError(error: unknown, code?: CoreErrorCode): error is CoreError {
  return error instanceof CoreError && (code === undefined || error.code === code);
}

/** True when `error` means the work was cancelled: the signal's own reason, an AbortError, or ABORTED/CANCELLED. */
export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted && error === signal.reason) return true;
  if (isDatasetError(error, 'ABORTED') || isIoError(error, 'ABORTED') || isExtractError(error, 'ABORTED')) return true;
  if (error instanceof CoreError) return error.code === 'CANCELLED';
  return error instanceof Error && error.name === 'AbortError';
}

/** The CANCELLED error; `cause` is what stopped the work (usually the signal's reason). */
export function cancelledError(cause?: unknown, message = 'The operation was cancelled before it finished.'): CoreError {
  return new CoreError('CANCELLED', message, { cause });
}
