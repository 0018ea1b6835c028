// The one error type of @contextframe/io: a stable string code, a message that says what to do, optional data.

/** Every code an io error can carry. Codes are part of the public contract: agents branch on them. */
export type IoErrorCode =
  | 'FILE_NOT_FOUND'
  | 'FILE_EXISTS'
  | 'PARSE_ERROR'
  | 'SCHEMA_MISMATCH'
  | 'TOO_MANY_ERRORS'
  | 'UNSUPPORTED_FORMAT'
  | 'INVALID_OPTIONS'
  | 'INVALID_RECORD'
  | 'WRITE_FAILED'
  | 'ABORTED';

export interface IoErrorOptions {
  readonly data?: unknown;
  readonly cause?: unknown;
}

/** An error raised by the io package. `code` is stable; `message` tells the caller what to do. */
export class IoError extends Error {
  override readonly name = 'IoError';
  readonly code: IoErrorCode;
  readonly data: unknown;

  constructor(code: IoErrorCode, message: string, options: IoErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

/** True when `error` is an IoError, optionally with the given code. */
export function isIoError(error: unknown, code?: IoErrorCode): error is IoError {
  return error instanceof IoError && (code === undefined || error.code === code);
}

/** The error to throw when `signal` has fired: ABORTED, keeping the signal's reason as the cause. */
export function abortError(signal: AbortSignal, what: string): IoError {
  return new IoError('ABORTED', `${what} was cancelled; nothing was kept. Run it again to start over.`, {
    cause: signal.reason,
  });
}
