// Caps how many tasks run at once across independent callers, e.g. requests to one rate-limited provider.
import { cancelledError } from '../errors/core-error.js';
import { throwIfCancelled } from './cancellation.js';

/** A counting semaphore: `run` starts `fn` once fewer than `limit` others are running, first come first served. */
export class Semaphore {
  readonly limit: number;
  #running = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Runs `fn` in a slot. A caller still waiting when `signal` fires gives up its turn with CoreError CANCELLED. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    throwIfCancelled(signal);
    if (this.#running >= this.limit) await this.#wait(signal);
    else this.#running++;
    try {
      return await fn();
    } finally {
      const next = this.#waiting.shift();
      // The slot passes straight to the next waiter, so `#running` only drops when nobody waits.
      if (next === undefined) this.#running--;
      else next();
    }
  }

  #wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(wake);
        if (index !== -1) this.#waiting.splice(index, 1);
        reject(cancelledError(signal?.reason));
      };
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.#waiting.push(wake);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
