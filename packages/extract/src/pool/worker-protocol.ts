// The messages between WorkerPoolExtractor and its workers. Errors travel as plain objects: cloning an Error
// across threads keeps only its name and message, and the code and data are the contract.
import { EXTRACT_ERROR_CODES, ExtractError, isExtractError, type ExtractErrorCode } from '../extract-error.js';
import type { ExtractFormat } from '../extract-format.js';
import type { Extraction } from '../extractor.js';

/** What a worker is started with. */
export interface WorkerData {
  readonly maxOutputChars: number;
  /** Only tests set this: it lets inputs named `cf-test-hook:<hook>` make the worker misbehave on purpose. */
  readonly testHooks: boolean;
}

/** One extraction for a worker. `bytes` is a copy the worker owns. */
export interface WorkerRequest {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly name?: string;
  readonly contentType?: string;
  readonly format?: ExtractFormat;
}

/** A worker's answer to one request. */
export type WorkerResponse =
  | { readonly type: 'result'; readonly id: number; readonly ok: true; readonly extraction: Extraction }
  | { readonly type: 'result'; readonly id: number; readonly ok: false; readonly error: SerializedError };

/** What a worker sends: `ready` once, when loaded (start-up time is not charged to a file's timeout), then results. */
export type WorkerMessage = { readonly type: 'ready' } | WorkerResponse;

/** An ExtractError as plain data. */
export interface SerializedError {
  readonly code: ExtractErrorCode;
  readonly message: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/** `error` as plain data; anything that is not an ExtractError is EXTRACT_FAILED. */
export function serializeError(error: unknown): SerializedError {
  if (isExtractError(error)) return { code: error.code, message: error.message, data: { ...error.data } };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'EXTRACT_FAILED', message: `Extraction failed: ${message}`, data: {} };
}

/** The ExtractError a serialized error stands for; an unknown code becomes EXTRACT_FAILED. */
export function reviveError(error: SerializedError): ExtractError {
  const code = EXTRACT_ERROR_CODES.includes(error.code) ? error.code : 'EXTRACT_FAILED';
  return new ExtractError(code, error.message, { data: error.data });
}
