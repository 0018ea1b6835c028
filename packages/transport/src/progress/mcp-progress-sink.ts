// Core's ProgressSink as MCP `notifications/progress`: throttled, in order, and drained before the result is sent.
import type { BatchCompleteEvent, BatchItemEvent, BatchProgressEvent, BatchStartEvent, ProgressSink } from '@contextframe/core';
import type { Logger } from '../logging/logger.js';
import { ProgressThrottle, type ProgressThrottleOptions, type ProgressUpdate } from './progress-throttle.js';

/** Sends one progress update; for MCP, `extra.sendNotification` with the request's progress token. */
export type SendProgress = (update: ProgressUpdate) => Promise<void>;

/**
 * Reports a batch's progress to an MCP client. Core calls the sink synchronously, so sends are queued in
 * order; `drain()` waits for them, so the last notification reaches the client before the tool's result.
 */
export class McpProgressSink implements ProgressSink {
  readonly #send: SendProgress;
  readonly #throttle: ProgressThrottle;
  readonly #logger: Logger;
  #queue: Promise<void> = Promise.resolve();
  #sent = 0;

  constructor(send: SendProgress, logger: Logger, options: ProgressThrottleOptions = {}) {
    this.#send = send;
    this.#logger = logger;
    this.#throttle = new ProgressThrottle(options);
  }

  /** How many notifications were sent (or queued). */
  get sent(): number {
    return this.#sent;
  }

  start(event: BatchStartEvent): void {
    this.#emit(this.#throttle.start(event.total, event.message));
  }

  progress(event: BatchProgressEvent): void {
    this.#emit(this.#throttle.offer({ progress: event.current, total: event.total, message: event.message }));
  }

  item(_event: BatchItemEvent): void {
    // Per-item outcomes are in the result; notifications carry counts only.
  }

  complete(_event: BatchCompleteEvent): void {
    this.#emit(this.#throttle.flush());
  }

  /** Resolves once every queued notification was handed to the transport. */
  drain(): Promise<void> {
    return this.#queue;
  }

  #emit(update: ProgressUpdate | undefined): void {
    if (update === undefined) return;
    this.#sent++;
    // A failed notification (client gone) must not fail the batch: log it and carry on.
    this.#queue = this.#queue
      .then(() => this.#send(update))
      .catch((error: unknown) => this.#logger.debug('progress notification not sent', { error: error instanceof Error ? error : new Error(String(error)) }));
  }
}
