// The progress contract between the batch engine and whoever shows progress (transport sends MCP notifications).

/** A batch began; `total` is the number of items it will go through. */
export interface BatchStartEvent {
  readonly operation: string;
  readonly total: number;
  readonly message: string;
}

/** Work advanced: `current` of `total` items are done. `current` strictly increases and ends at `total` on success. */
export interface BatchProgressEvent {
  readonly current: number;
  readonly total: number;
  readonly message: string;
}

/** One item's final outcome: exactly one per item that was attempted. */
export type BatchItemEvent =
  | { readonly index: number; readonly ok: true; readonly id?: string }
  | { readonly index: number; readonly ok: false; readonly error: string; readonly code: string };

/** How a batch ended. `partial`: some items failed or were skipped but the rest were done. */
export type BatchStatus = 'succeeded' | 'partial' | 'failed' | 'cancelled';

/** The counts a batch ends with. `skipped` items were never attempted (cancelled or max_errors reached). */
export interface BatchSummary {
  readonly status: BatchStatus;
  readonly total: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly skipped: number;
  readonly elapsed_ms: number;
  /** The code of the error that ended a failed or cancelled batch. */
  readonly code?: string;
}

/** The batch finished (also when it failed or was cancelled): sent exactly once, last. */
export interface BatchCompleteEvent {
  readonly operation: string;
  readonly summary: BatchSummary;
}

/**
 * Receives a batch's progress: `start` once, then `progress` and `item` events, then `complete` once.
 * Methods are called synchronously from the batch; an implementation that does I/O (an MCP notification)
 * queues it and returns. A sink must not throw: a throwing sink fails the batch.
 */
export interface ProgressSink {
  start(event: BatchStartEvent): void;
  progress(event: BatchProgressEvent): void;
  item(event: BatchItemEvent): void;
  complete(event: BatchCompleteEvent): void;
}
