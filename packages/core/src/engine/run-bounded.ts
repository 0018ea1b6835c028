// Bounded parallelism: at most `limit` tasks in flight, results in input order, nothing new after cancellation.
import { CoreError } from '../errors/core-error.js';
import { throwIfCancelled } from './cancellation.js';

export interface RunBoundedOptions {
  /** Once it fires no new task starts; tasks in flight are awaited, then the call rejects with CANCELLED. */
  readonly signal?: AbortSignal;
}

/**
 * Runs `fn` over `items` with at most `limit` calls in flight and resolves with the results in input order.
 * Items are pulled lazily (an iterable or async iterable works), so a long source is never held whole.
 * The first failure stops new calls; calls already in flight are awaited (so no work outlives the call), then
 * it rejects with that failure. After `signal` fires, likewise no call starts and it rejects with CoreError
 * CANCELLED, unless every item had already finished. `fn` should watch the same signal to stop early itself.
 */
export async function runBounded<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: RunBoundedOptions = {},
): Promise<R[]> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new CoreError('INVALID_INPUT', `The parallelism limit must be a positive integer, got ${String(limit)}.`, { data: { limit } });
  }
  const { signal } = options;
  throwIfCancelled(signal);
  const iterator = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const results: R[] = [];
  let nextIndex = 0;
  let exhausted = false;
  let failure: { error: unknown } | undefined;
  // Pulls are chained so that an iterator is never asked for two items at once.
  let pulling: Promise<unknown> = Promise.resolve();

  const pull = (): Promise<{ item: T; index: number } | undefined> => {
    const next = pulling.then(async () => {
      if (exhausted || failure !== undefined || signal?.aborted) return undefined;
      const step = await iterator.next();
      if (step.done) {
        exhausted = true;
        return undefined;
      }
      return { item: step.value, index: nextIndex++ };
    });
    pulling = next.catch(() => undefined);
    return next;
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      let entry: { item: T; index: number } | undefined;
      try {
        entry = await pull();
      } catch (error) {
        failure ??= { error };
        return;
      }
      if (entry === undefined) return;
      try {
        results[entry.index] = await fn(entry.item, entry.index);
      } catch (error) {
        failure ??= { error };
        return;
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: limit }, worker));
  } finally {
    // An array whose every item was taken is finished even though its iterator never reported `done`.
    if (!exhausted && Array.isArray(items) && nextIndex >= items.length) exhausted = true;
    if (!exhausted) await iterator.return?.();
  }
  if (failure !== undefined) throw failure.error;
  if (!exhausted) throwIfCancelled(signal);
  return results;
}
