// A progress sink that records what it receives: for tests, and for the compact `progress` summary in results.
import type {
  BatchCompleteEvent,
  BatchItemEvent,
  BatchProgressEvent,
  BatchStartEvent,
  BatchSummary,
  ProgressSink,
} from './progress-sink.js';

/** One recorded event, tagged with its kind. */
export type RecordedEvent =
  | ({ readonly type: 'start' } & BatchStartEvent)
  | ({ readonly type: 'progress' } & BatchProgressEvent)
  | ({ readonly type: 'item' } & BatchItemEvent)
  | ({ readonly type: 'complete' } & BatchCompleteEvent);

export interface CollectingProgressSinkOptions {
  /** Keep at most this many events (default: all). Counts stay exact beyond it. */
  readonly maxEvents?: number;
}

/** A compact account of a batch's progress, as results report it. */
export interface ProgressSummary {
  readonly total: number;
  /** The last `current` reported. */
  readonly current: number;
  /** How many progress events were sent. */
  readonly updates: number;
  readonly status: BatchSummary['status'] | 'running';
  readonly elapsed_ms: number;
}

/** Records events in order (up to `maxEvents`) and counts them. */
export class CollectingProgressSink implements ProgressSink {
  readonly events: RecordedEvent[] = [];
  readonly #maxEvents: number;
  #total = 0;
  #current = 0;
  #updates = 0;
  #summary: BatchSummary | undefined;

  constructor(options: CollectingProgressSinkOptions = {}) {
    this.#maxEvents = options.maxEvents ?? Number.POSITIVE_INFINITY;
  }

  start(event: BatchStartEvent): void {
    this.#total = event.total;
    this.#record({ type: 'start', ...event });
  }

  progress(event: BatchProgressEvent): void {
    this.#total = event.total;
    this.#current = event.current;
    this.#updates++;
    this.#record({ type: 'progress', ...event });
  }

  item(event: BatchItemEvent): void {
    this.#record({ type: 'item', ...event });
  }

  complete(event: BatchCompleteEvent): void {
    this.#summary = event.summary;
    this.#total = event.summary.total;
    this.#record({ type: 'complete', ...event });
  }

  /** The recorded events of one kind. */
  ofType<T extends RecordedEvent['type']>(type: T): Extract<RecordedEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<RecordedEvent, { type: T }> => event.type === type);
  }

  /** Where the batch got to, in a few numbers. */
  summary(): ProgressSummary {
    return {
      total: this.#total,
      current: this.#current,
      updates: this.#updates,
      status: this.#summary?.status ?? 'running',
      elapsed_ms: this.#summary?.elapsed_ms ?? 0,
    };
  }

  #record(event: RecordedEvent): void {
    if (this.events.length < this.#maxEvents) this.events.push(event);
  }
}
