// The error of an atomic batch that wrote nothing because an item failed.
import { CoreError } from '../errors/core-error.js';
import type { ItemError } from '../errors/item-error.js';

const MAX_ERRORS_IN_DATA = 100;

/**
 * CoreError TX_ROLLED_BACK for an atomic batch whose items `errors` failed (in input order): the message
 * names the first failed item, its code and reason; `data` holds `item_index`, `code` and up to 100 `errors`.
 */
export function rolledBackError(errors: readonly ItemError[], noun: string, cause?: unknown): CoreError {
  const sorted = [...errors].sort((a, b) => a.item_index - b.item_index);
  const first = sorted[0]!;
  const others = sorted.length > 1 ? ` (and ${sorted.length - 1} more ${noun}${sorted.length > 2 ? 's' : ''} failed)` : '';
  return new CoreError(
    'TX_ROLLED_BACK',
    `Nothing was written: ${noun} ${first.item_index} failed with ${first.code}: ${first.error.replace(/\.+$/, '')}${others}. ` +
      `Fix or remove the failing ${noun}s and call again, or pass atomic: false to write the others.`,
    {
      data: { item_index: first.item_index, code: first.code, failed: sorted.length, errors: sorted.slice(0, MAX_ERRORS_IN_DATA) },
      ...(cause === undefined ? {} : { cause }),
    },
  );
}
