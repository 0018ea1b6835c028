// An embedder whose calls wait for the test: a tool call that stays running for exactly as long as a test needs.
import { type EmbedOptions, type Embedder, HashEmbedder } from '@contextframe/dataset';

/** The hash embedder's vectors, handed out only after `release()`. */
export class GatedEmbedder implements Embedder {
  readonly #inner = new HashEmbedder({ dimensions: 64 });
  readonly id = this.#inner.id;
  readonly dimensions = this.#inner.dimensions;
  readonly #ignoreAbort: boolean;
  #release!: () => void;
  readonly #gate = new Promise<void>((resolve) => (this.#release = resolve));
  #markStarted!: () => void;
  /** Resolves when the first call arrives. */
  readonly started = new Promise<void>((resolve) => (this.#markStarted = resolve));
  /** How many waiting calls saw their signal abort. */
  aborts = 0;

  /** `ignoreAbort`: keep waiting for `release()` even when the call is cancelled, as a stubborn provider would. */
  constructor(options: { readonly ignoreAbort?: boolean } = {}) {
    this.#ignoreAbort = options.ignoreAbort ?? false;
  }

  /** Lets every waiting and later call through. */
  release(): void {
    this.#release();
  }

  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.#markStarted();
    const signal = options?.signal;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.aborts++;
        if (!this.#ignoreAbort) reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      void this.#gate.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    return this.#inner.embed(texts, options);
  }
}
