// The one error type of @contextframe/extract: a stable string code, a message that says what to do, optional data.

/** Every code an extract error can carry. Codes are part of the public contract: agents branch on them. */
export type ExtractErrorCode =
  | 'UNSUPPORTED_FORMAT'
  | 'EXTRACT_FAILED'
  | 'EXTRACT_TIMEOUT'
  | 'TOO_LARGE'
  | 'EMPTY_CONTENT'
  | 'ABORTED'
  | 'CLOSED'
  | 'INVALID_OPTIONS'
  | 'INVALID_INPUT'
  | 'WORKER_UNAVAILABLE';

/** The codes as a list, for schemas and exhaustive checks. */
export const EXTRACT_ERROR_CODES: readonly ExtractErrorCode[] = [
  'UNSUPPORTED_FORMAT',
  'EXTRACT_FAILED',
  'EXTRACT_TIMEOUT',
  'TOO_LARGE',
  'EMPTY_CONTENT',
  'ABORTED',
  'CLOSED',
  'INVALID_OPTIONS',
  'INVALID_INPUT',
  'WORKER_UNAVAILABLE',
];

/** Options of an ExtractError: details for the caller and the underlying cause. */
export interface ExtractErrorOptions {
  /** JSON-safe details: `name`, `format`, `limit`, `line`, ... */
  readonly data?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/** An error raised by the extract package. `code` is stable; `message` tells the caller what to do. */
export class ExtractError extends Error {
  override readonly name = 'ExtractError';
  readonly code: ExtractErrorCode;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: ExtractErrorCode, message: string, options: ExtractErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = options.data ?? {};
  }
}

/** True when `error` is an ExtractError, optionally with the given code. */
export function isExtractError(error: unknown, code?: ExtractErrorCode): error is ExtractError {
  return error instanceof ExtractError && (code === undefined || error.code === code);
}

/** How a source is named in messages: its name when it has one. */
export function describeSource(name: string | undefined): string {
  return name === undefined || name === '' ? 'the document' : `"${name}"`;
}

/** The error to throw when `signal` has fired: ABORTED, keeping the signal's reason as the cause. */
export function abortedError(signal: AbortSignal, name: string | undefined): ExtractError {
  return new ExtractError('ABORTED', `Extraction of ${describeSource(name)} was cancelled; nothing was extracted. Run it again to retry.`, {
    data: name === undefined ? {} : { name },
    cause: signal.reason,
  });
}

/** The error for an input over its byte limit. */
export function tooLargeError(name: string | undefined, size: number, limit: number): ExtractError {
  return new ExtractError('TOO_LARGE', `${describeSource(name)} is ${size} bytes, over the ${limit}-byte limit. Split it, or raise maxInputBytes.`, {
    data: { ...(name === undefined ? {} : { name }), bytes: size, limit },
  });
}
