// How one failed item of a batch is reported: its index in the input, what went wrong, and a stable code.
import { CoreError, type CoreErrorCode } from './core-error.js';

/** One failed item. `code` is a CoreErrorCode (dataset codes pass through, e.g. DUPLICATE_ID, EMBEDDER_FAILED). */
export interface ItemError {
  readonly item_index: number;
  readonly error: string;
  readonly code: CoreErrorCode;
}

/** The ItemError for item `index` that failed with `error` (anything thrown). */
export function toItemError(index: number, error: unknown): ItemError {
  const core = CoreError.from(error);
  return { item_index: index, error: core.message, code: core.code };
}
