// Decides which progress updates go on the wire: always the first and the last, a bounded number in between.

/** One `notifications/progress` payload (without the token). */
export interface ProgressUpdate {
  readonly progress: number;
  readonly total: number;
  readonly message: string;
}

export interface ProgressThrottleOptions {
  /** Most updates sent between the first and the last (default 100), however large the batch. */
  readonly maxUpdates?: number;
  /** Least time between two updates in ms, except the first and the last (default 0). */
  readonly minIntervalMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/**
 * Filters a batch's progress so that what is sent strictly increases, starts with `0` of total, ends with
 * the last update seen, and stays at most `maxUpdates + 2` updates long: an intermediate update is sent only
 * once progress moved by total/maxUpdates and `minIntervalMs` passed; others wait as `pending`, and `flush`
 * sends the last one when the batch completes.
 */
export class ProgressThrottle {
  readonly #maxUpdates: number;
  readonly #minIntervalMs: number;
  readonly #now: () => number;
  #step = 1;
  #sent = -1;
  #sentAt = 0;
  #pending: ProgressUpdate | undefined;

  constructor(options: ProgressThrottleOptions = {}) {
    this.#maxUpdates = Math.max(1, Math.floor(options.maxUpdates ?? 100));
    this.#minIntervalMs = Math.max(0, options.minIntervalMs ?? 0);
    this.#now = options.now ?? Date.now;
  }

  /** The batch began: the update to send now (always `0` of `total`). */
  start(total: number, message: string): ProgressUpdate {
    this.#step = Math.max(1, Math.ceil(total / this.#maxUpdates));
    return this.#take({ progress: 0, total, message });
  }

  /** Work advanced: the update to send now, or undefined when it is held back. */
  offer(update: ProgressUpdate): ProgressUpdate | undefined {
    if (update.progress <= this.#sent) return undefined;
    const final = update.progress >= update.total;
    const due = update.progress - this.#sent >= this.#step && this.#now() - this.#sentAt >= this.#minIntervalMs;
    if (this.#sent < 0 || final || due) return this.#take(update);
    this.#pending = update;
    return undefined;
  }

  /** The batch ended: the last held-back update, if it is still news. */
  flush(): ProgressUpdate | undefined {
    const pending = this.#pending;
    return pending !== undefined && pending.progress > this.#sent ? this.#take(pending) : undefined;
  }

  #take(update: ProgressUpdate): ProgressUpdate {
    this.#sent = update.progress;
    this.#sentAt = this.#now();
    this.#pending = undefined;
    return update;
  }
}
