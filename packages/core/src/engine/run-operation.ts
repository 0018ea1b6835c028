// The frame every batch operation runs in: one tracker, CoreErrors only, and a `progress` summary in the result.
import { CoreError } from '../errors/core-error.js';
import type { BatchContext } from './batch-context.js';
import { CollectingProgressSink, type ProgressSummary } from './collecting-progress-sink.js';
import { ProgressTracker } from './progress-tracker.js';
import { teeProgressSink } from './tee-progress-sink.js';

/**
 * Runs an operation body with a ProgressTracker that reports to the context's sink. On success the batch is
 * completed (unless the body completed it with its own status) and the result gains a compact `progress`
 * summary; on failure the error becomes a CoreError, the batch completes as failed or cancelled, and the
 * error is rethrown.
 */
export async function runOperation<R extends object>(
  operation: string,
  context: Pick<BatchContext, 'progress' | 'signal'>,
  body: (tracker: ProgressTracker) => Promise<R>,
): Promise<R & { progress: ProgressSummary }> {
  const collector = new CollectingProgressSink({ maxEvents: 0 });
  const sink = context.progress === undefined ? collector : teeProgressSink(context.progress, collector);
  const tracker = new ProgressTracker({ operation, sink });
  let result: R;
  try {
    result = await body(tracker);
  } catch (thrown) {
    const error = CoreError.from(thrown, context.signal);
    tracker.complete({ status: error.code === 'CANCELLED' ? 'cancelled' : 'failed', code: error.code });
    throw error;
  }
  tracker.complete();
  return { ...result, progress: collector.summary() };
}
