// A progress sink that ignores every event, for callers that don't watch progress.
import type { ProgressSink } from './progress-sink.js';

/** Ignores every event. */
export class NoopProgressSink implements ProgressSink {
  start(): void {}
  progress(): void {}
  item(): void {}
  complete(): void {}
}

/** A shared NoopProgressSink. */
export const noopProgressSink: ProgressSink = Object.freeze(new NoopProgressSink());
