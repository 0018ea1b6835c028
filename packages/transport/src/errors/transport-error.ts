// The one error type of @contextframe/transport: a stable string code, a message that says what to do, optional data.

/** Codes raised by transport itself (package errors from core, dataset and io keep their own codes). */
export type TransportErrorCode = 'CONFIG_INVALID' | 'NOT_FOUND' | 'INVALID_INPUT' | 'RESPONSE_TOO_LARGE' | 'INTERNAL';

export interface TransportErrorOptions {
  readonly data?: unknown;
  readonly cause?: unknown;
}

/** An error raised by transport: bad configuration, a missing document, a response that cannot fit its budget. */
export class TransportError extends Error {
  override readonly name = 'TransportError';
  readonly code: TransportErrorCode;
  readonly data: unknown;

  constructor(code: TransportErrorCode, message: string, options: TransportErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data;
  }
}

/** True when `error` is a TransportError, optionally with the given code. */
export function isTransportError(error: unknown, code?: TransportErrorCode): error is TransportError {
  return error instanceof TransportError && (code === undefined || error.code === code);
}
