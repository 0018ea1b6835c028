// The batch handler: runs items chunk by chunk with bounded parallelism, progress, max_errors and cancellation.
import { CoreError, isCancellation, isCoreError } from '../errors/core-error.js';
import { chunked } from './chunked.js';
import type { ItemOutcome } from './item-outcome.js';
import type { ProgressTracker } from './progress-tracker.js';
import { runBounded } from './run-bounded.js';

/** Why a batch stopped before its last item: cancelled, or more than `maxErrors` items failed. */
export type StopReason = 'cancelled' | 'max_errors';

export interface BatchHandlerOptions<T, R> {
  readonly items: Iterable<T> | AsyncIterable<T>;
  /** Receives progress and per-item events; its total must already be set (`tracker.start`). */
  readonly tracker: ProgressTracker;
  /** Items handed to `process` at a time. */
  readonly chunkSize: number;
  /** Chunks in flight at once (default 1). */
  readonly maxParallel?: number;
  /** Stop starting chunks once more than this many items have failed (default: never). */
  readonly maxErrors?: number;
  readonly signal?: AbortSignal;
  /**
   * Handles one chunk and returns one outcome per item, in order. A failed item is an outcome, not a throw;
   * a throw fails the whole batch, except a cancellation, which skips the chunk and stops the batch.
   */
  readonly process: (items: readonly T[], start: number, signal: AbortSignal | undefined) => Promise<readonly ItemOutcome<R>[]>;
  /** The item's index in the caller's input, for events and errors (default: its position in `items`). */
  readonly indexOf?: (item: T, position: number) => number;
  /** The id reported for a successful item, if any. */
  readonly idOf?: (value: R) => string | undefined;
  /** Send per-item events (default true); atomic work sends them after its commit instead. */
  readonly reportItems?: boolean;
  /** Items the tracker already counted as done before this run (e.g. ones that failed validation). */
  readonly doneBefore?: number;
  /** The progress message after `done` of `total` items. */
  readonly describe: (done: number, total: number) => string;
}

/** What a batch came to. `outcomes[i]` is undefined for an item that was never attempted. */
export interface BatchRun<R> {
  readonly outcomes: (ItemOutcome<R> | undefined)[];
  readonly succeeded: number;
  readonly failed: number;
  readonly stopped: StopReason | null;
}

/**
 * Runs a batch: cuts `items` into chunks, runs at most `maxParallel` chunks at once through `process`,
 * reports progress after each chunk and an event per item, and stops starting chunks when the signal fires
 * or `maxErrors` is exceeded (chunks in flight finish). Memory holds only the chunks in flight plus the
 * outcomes.
 */
export async function runBatch<T, R>(options: BatchHandlerOptions<T, R>): Promise<BatchRun<R>> {
  const { tracker, signal } = options;
  const maxErrors = options.maxErrors ?? Number.POSITIVE_INFINITY;
  const reportItems = options.reportItems ?? true;
  const outcomes: (ItemOutcome<R> | undefined)[] = [];
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(signal?.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener('abort', onAbort, { once: true });
  let stopped: StopReason | null = null;
  let succeeded = 0;
  let failed = 0;
  let done = options.doneBefore ?? 0;

  const handleChunk = async (chunk: { items: readonly T[]; start: number }): Promise<void> => {
    let results: readonly ItemOutcome<R>[];
    try {
      results = await options.process(chunk.items, chunk.start, signal);
    } catch (error) {
      if (!isCancellation(error, signal)) throw error;
      stopped ??= 'cancelled';
      stop.abort(error);
      return;
    }
    if (results.length !== chunk.items.length) {
      throw new CoreError('INTERNAL', `A batch chunk of ${chunk.items.length} items produced ${results.length} outcomes.`);
    }
    results.forEach((outcome, offset) => {
      const position = chunk.start + offset;
      outcomes[position] = outcome;
      const index = options.indexOf?.(chunk.items[offset]!, position) ?? position;
      if (outcome.ok) {
        succeeded++;
        if (reportItems) tracker.itemSucceeded(index, options.idOf?.(outcome.value));
      } else {
        failed++;
        if (reportItems) tracker.itemFailed(index, outcome.error);
      }
    });
    done += chunk.items.length;
    tracker.advance(done, options.describe(done, tracker.total));
    if (failed > maxErrors && stopped === null) {
      stopped = 'max_errors';
      stop.abort();
    }
  };

  try {
    await runBounded(chunked(options.items, options.chunkSize), options.maxParallel ?? 1, handleChunk, { signal: stop.signal });
  } catch (error) {
    // runBounded reports our own stop as CANCELLED; anything else is a real failure.
    if (!(isCoreError(error, 'CANCELLED') && stop.signal.aborted)) throw error;
    stopped ??= 'cancelled';
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { outcomes, succeeded, failed, stopped };
}
