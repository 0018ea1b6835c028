// Counts the tool calls in flight, so a shutdown can wait for them to finish (or roll back) before closing.

/** The set of running tool calls. */
export class WorkTracker {
  readonly #active = new Set<Promise<unknown>>();
  #waiters: (() => void)[] = [];

  /** Tool calls running now. */
  get size(): number {
    return this.#active.size;
  }

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.#active.add(work);
    const forget = () => {
      this.#active.delete(work);
      if (this.#active.size === 0) for (const wake of this.#waiters.splice(0)) wake();
    };
    work.then(forget, forget);
    return work;
  }

  /** Resolves true once nothing runs, or false when `timeoutMs` passes first. */
  idle(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.#active.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = Number.isFinite(timeoutMs) ? setTimeout(() => resolve(false), timeoutMs) : undefined;
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
