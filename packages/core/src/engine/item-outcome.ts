// What one item of a batch came to: a value, or the error that failed it.
import type { ItemError } from '../errors/item-error.js';

/** One item's outcome. */
export type ItemOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: ItemError };
