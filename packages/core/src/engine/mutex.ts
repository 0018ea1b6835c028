// Runs async critical sections one at a time, in the order they ask.

/** A FIFO lock: `run` waits for every earlier section to settle before starting `fn`. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}
