// Turns a batch's advance into well-formed progress events: increasing, throttled, ending at total, completed once.
import { noopProgressSink } from './noop-progress-sink.js';
import type { BatchStatus, BatchSummary, ProgressSink } from './progress-sink.js';

export interface ProgressTrackerOptions {
  /** The operation's name, e.g. `batch_add`. */
  readonly operation: string;
  readonly sink?: ProgressSink;
  /** Most progress events sent per batch, besides the last (default 100): a 100k-item batch stays quiet. */
  readonly maxUpdates?: number;
}

/**
 * Sends one batch's events to a sink. `advance` only ever sends a larger `current`, at most about `maxUpdates`
 * times; while `hold` is on (atomic work that commits at the end) `current` stays below `total`, so reaching
 * `total` always means the work is done. `complete` sends the summary exactly once.
 */
export class ProgressTracker {
  readonly operation: string;
  readonly #sink: ProgressSink;
  readonly #maxUpdates: number;
  readonly #started = Date.now();
  #total = 0;
  #step = 1;
  #sent = 0;
  #hold = false;
  #succeeded = 0;
  #failed = 0;
  #summary: BatchSummary | undefined;

  constructor(options: ProgressTrackerOptions) {
    this.operation = options.operation;
    this.#sink = options.sink ?? noopProgressSink;
    this.#maxUpdates = Math.max(1, options.maxUpdates ?? 100);
  }

  get total(): number {
    return this.#total;
  }

  get succeeded(): number {
    return this.#succeeded;
  }

  get failed(): number {
    return this.#failed;
  }

  /** Sends `start`. With `hold`, progress stays below total until `finish`. */
  start(total: number, message: string, options: { readonly hold?: boolean } = {}): void {
    this.#total = total;
    this.#step = Math.max(1, Math.ceil(total / this.#maxUpdates));
    this.#hold = options.hold ?? false;
    this.#sink.start({ operation: this.operation, total, message });
  }

  /**
   * Changes `total` once it is better known (an import learns its row count as it reads). Later events carry
   * the new total; `current` never goes back.
   */
  resize(total: number): void {
    this.#total = Math.max(total, this.#sent);
    this.#step = Math.max(1, Math.ceil(this.#total / this.#maxUpdates));
  }

  /** Sets the succeeded and failed counts of the summary without item events (for batches too big to list). */
  tally(succeeded: number, failed: number): void {
    this.#succeeded = succeeded;
    this.#failed = failed;
  }

  /** Reports that `current` items are done (sent only if larger than the last report and due). */
  advance(current: number, message: string): void {
    const cap = this.#hold ? this.#total - 1 : this.#total;
    const value = Math.min(current, cap);
    if (value <= this.#sent) return;
    if (value - this.#sent < this.#step && value !== this.#total && value !== cap) return;
    this.#sent = value;
    this.#sink.progress({ current: value, total: this.#total, message });
  }

  /** Lifts `hold` and reports `total` done. */
  finish(message: string): void {
    this.#hold = false;
    this.advance(this.#total, message);
  }

  /** Reports item `index` done. */
  itemSucceeded(index: number, id?: string): void {
    this.#succeeded++;
    this.#sink.item(id === undefined ? { index, ok: true } : { index, ok: true, id });
  }

  /** Reports item `index` failed. */
  itemFailed(index: number, error: { readonly error: string; readonly code: string }): void {
    this.#failed++;
    this.#sink.item({ index, ok: false, error: error.error, code: error.code });
  }

  /**
   * Sends `complete` once (later calls return the first summary). Without a status, it is `succeeded` when
   * every item succeeded and `partial` otherwise.
   */
  complete(options: { readonly status?: BatchStatus; readonly code?: string } = {}): BatchSummary {
    if (this.#summary !== undefined) return this.#summary;
    const skipped = Math.max(0, this.#total - this.#succeeded - this.#failed);
    const status = options.status ?? (this.#failed === 0 && skipped === 0 ? 'succeeded' : 'partial');
    this.#summary = {
      status,
      total: this.#total,
      succeeded: this.#succeeded,
      failed: this.#failed,
      skipped,
      elapsed_ms: Date.now() - this.#started,
      ...(options.code === undefined ? {} : { code: options.code }),
    };
    this.#sink.complete({ operation: this.operation, summary: this.#summary });
    return this.#summary;
  }
}
