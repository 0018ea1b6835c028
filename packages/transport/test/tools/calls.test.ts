import { type EmbedOptions, type Embedder, HashEmbedder } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';
import { type Logger, WorkTracker } from '../../src/index.js';
import { documents, openHarness } from '../fixtures.js';

/** A hash embedder that takes `delayMs` per call and honours cancellation. */
class SlowEmbedder implements Embedder {
  readonly #inner = new HashEmbedder({ dimensions: 64 });
  readonly id = this.#inner.id;
  readonly dimensions = this.#inner.dimensions;
  calls = 0;
  constructor(readonly delayMs: number) {}
  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    options?.signal?.throwIfAborted();
    return this.#inner.embed(texts, options);
  }
}

describe('progress', () => {
  it('streams increasing notifications for a 50-document batch, from 0 to the total', async () => {
    const h = await openHarness();
    try {
      const seen: { progress: number; total?: number; message?: string }[] = [];
      const result = await h.client.callTool({ name: 'batch_add', arguments: { documents: documents(50) } }, undefined, {
        onprogress: (progress) => void seen.push(progress),
      });
      expect(result.isError).toBeFalsy();
      expect(seen.length).toBeGreaterThan(3);
      expect(seen[0]).toMatchObject({ progress: 0, total: 50 });
      expect(seen.at(-1)).toMatchObject({ progress: 50, total: 50 });
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
      expect(seen.every((update) => update.total === 50 && typeof update.message === 'string')).toBe(true);
      expect((result.structuredContent as any).progress).toMatchObject({ total: 50, current: 50, status: 'succeeded' });
    } finally {
      await h.close();
    }
  });

  it('bounds the notifications of a large batch', async () => {
    const h = await openHarness({ progress: { maxUpdates: 10 } });
    try {
      let count = 0;
      await h.client.callTool({ name: 'batch_search', arguments: { queries: Array.from({ length: 400 }, (_, i) => ({ query: `q ${i}`, search_type: 'text' })) } }, undefined, {
        onprogress: () => void count++,
      });
      expect(count).toBeGreaterThanOrEqual(2);
      expect(count).toBeLessThanOrEqual(12);
    } finally {
      await h.close();
    }
  });
});

describe('cancellation', () => {
  it('rolls back an atomic batch_add cancelled mid-way; the server keeps serving', async () => {
    const embedder = new SlowEmbedder(40);
    const work = new WorkTracker();
    const h = await openHarness({ embedder, work });
    try {
      await h.call('add_document', { content: 'already here' });
      const controller = new AbortController();
      const call = h.client.callTool({ name: 'batch_add', arguments: { documents: documents(400) } }, undefined, {
        signal: controller.signal,
        onprogress: (progress) => {
          if (progress.progress > 0) controller.abort('enough');
        },
      });
      await expect(call).rejects.toThrow();
      await work.idle();
      expect(embedder.calls).toBeLessThan(20);
      expect(await h.dataset.count()).toBe(1);
      const info = await h.call('dataset_info');
      expect(info.structuredContent).toMatchObject({ documents: 1 });
    } finally {
      await h.close();
    }
  });
});

describe('internal errors', () => {
  it('reach the agent as INTERNAL with a reference, and the log with the cause', async () => {
    const lines: string[] = [];
    const logger: Logger = { error: (m, f) => void lines.push(`${m} ${String((f?.error as Error | undefined)?.message)}`), warn() {}, info() {}, debug() {} };
    // A bug below transport: something throws a plain TypeError, not a package error.
    const h = await openHarness({
      logger,
      wrapDataset: (dataset) =>
        new Proxy(dataset, {
          get: (target, key) => (key === 'read' ? () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'rows') at /srv/secret/path")) : Reflect.get(target, key)),
        }),
    });
    try {
      const failed = await h.call('dataset_info');
      expect(failed.isError).toBe(true);
      const error = failed.structuredContent!.error;
      expect(error.code).toBe('INTERNAL');
      expect(error.message).not.toContain('secret');
      expect(lines).toEqual([expect.stringMatching(new RegExp(`internal error ${error.details.reference} .*reading 'rows'`))]);
    } finally {
      await h.close();
    }
  });
});
