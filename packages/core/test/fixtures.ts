// Shared test fixtures: a real dataset on a temp file, test embedders, and a snapshot of everything stored.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatasetError, type EmbedOptions, type Embedder, type FrameDataset as Dataset, FrameDataset, type FrameRecord, HashEmbedder } from '@contextframe/dataset';
import { expect } from 'vitest';
import { type BatchContext, CoreError } from '../src/index.js';

/** A deterministic uuid for test record `n`. */
export const ID = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A dataset in a fresh temp folder; `close` closes it and removes the folder. */
export interface TestDataset {
  readonly dataset: Dataset;
  readonly embedder: Embedder;
  readonly path: string;
  context(extra?: Partial<BatchContext>): BatchContext;
  close(): Promise<void>;
}

export async function openTestDataset(embedder: Embedder = new HashEmbedder({ dimensions: 64 })): Promise<TestDataset> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-core-test-'));
  const path = join(dir, 'core.duckdb');
  const dataset = await FrameDataset.open({ path });
  return {
    dataset,
    embedder,
    path,
    context: (extra = {}) => ({ dataset, embedder, ...extra }),
    close: async () => {
      await dataset.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every stored record with its vector, in uuid order, plus the dataset's counts: compare before and after. */
export async function snapshot(dataset: Dataset): Promise<{ records: FrameRecord[]; stats: unknown }> {
  return { records: await dataset.query({ limit: 1_000_000, includeEmbedding: true }), stats: await dataset.stats() };
}

/**
 * Fault injector: a HashEmbedder that fails any embed call whose texts include one containing `poison`
 * (non-retryable EMBEDDER_FAILED, as a provider rejecting one input would). Counts its calls.
 */
export class FaultInjectingEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #inner: HashEmbedder;
  readonly #poison: string;
  readonly #retryable: boolean;
  calls = 0;
  texts = 0;

  constructor(poison: string, options: { dimensions?: number; retryable?: boolean } = {}) {
    this.#inner = new HashEmbedder({ dimensions: options.dimensions ?? 64 });
    this.id = this.#inner.id;
    this.dimensions = this.#inner.dimensions;
    this.#poison = poison;
    this.#retryable = options.retryable ?? false;
  }

  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.calls++;
    this.texts += texts.length;
    if (texts.some((text) => text.includes(this.#poison))) {
      throw new DatasetError('EMBEDDER_FAILED', `injected fault: the provider rejected a text containing ${this.#poison}`, {
        retryable: this.#retryable,
      });
    }
    return this.#inner.embed(texts, options);
  }
}

/** An embedder that runs `onCall(n)` before its n-th call (from 1), e.g. to abort a controller mid-batch. */
export class HookedEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #inner: Embedder;
  readonly #onCall: (call: number, texts: readonly string[]) => void | Promise<void>;
  calls = 0;

  constructor(onCall: (call: number, texts: readonly string[]) => void | Promise<void>, inner: Embedder = new HashEmbedder({ dimensions: 64 })) {
    this.#inner = inner;
    this.id = inner.id;
    this.dimensions = inner.dimensions;
    this.#onCall = onCall;
  }

  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.calls++;
    await this.#onCall(this.calls, texts);
    return this.#inner.embed(texts, options);
  }
}

/** `n` input documents with distinct, searchable contents. */
export function documents(n: number, make: (i: number) => { content?: string; metadata?: Record<string, unknown> } = () => ({})) {
  return Array.from({ length: n }, (_, i) => {
    const extra = make(i);
    return { content: extra.content ?? `Document number ${i} about topic${i % 5} with some words`, metadata: extra.metadata ?? { n: i } };
  });
}

/** The CoreError `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<CoreError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CoreError);
  return error as CoreError;
}
