// Checks between items: long work stops as soon as its AbortSignal fires.
import { cancelledError } from '../errors/core-error.js';

/** Throws CoreError CANCELLED (the signal's reason as cause) when `signal` has fired. */
export function throwIfCancelled(signal: AbortSignal | undefined, message?: string): void {
  if (signal?.aborted) throw cancelledError(signal.reason, message);
}
