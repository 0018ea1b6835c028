// Progress notifications and cancellation over stdio, against the built server.
import { join } from 'node:path';
import { type FakeEmbeddings, startFakeEmbeddings } from '@contextframe/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStdio, type StdioSession, tempDir } from './helpers/stdio-server.js';

const docs = (count: number) => Array.from({ length: count }, (_, n) => ({ content: `Item ${n}: ${'lorem ipsum '.repeat(5)}`, metadata: { n } }));

describe('progress over stdio', () => {
  const dir = tempDir();
  let s: StdioSession;
  beforeAll(async () => {
    s = await startStdio({ cwd: dir.path, args: ['--dataset', join(dir.path, 'p.duckdb')] });
  });
  afterAll(async () => {
    await s.close();
    dir.remove();
  });

  it('notifies increasing progress for a 50-item batch, ending at the total, and summarizes it in the result', async () => {
    const seen: { progress: number; total?: number; message?: string }[] = [];
    const result = await s.client.callTool({ name: 'batch_add', arguments: { documents: docs(50) } }, undefined, { onprogress: (p) => void seen.push(p) });
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[0]).toMatchObject({ progress: 0, total: 50 });
    expect(seen.at(-1)).toMatchObject({ progress: 50, total: 50 });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
    expect(seen.every((p) => typeof p.message === 'string' && p.message.length > 0)).toBe(true);
    expect((result.structuredContent as any).progress).toEqual({ total: 50, current: 50, updates: expect.any(Number), status: 'succeeded', elapsed_ms: expect.any(Number) });
  });

  it('notifies per query for batch_search', async () => {
    const seen: number[] = [];
    await s.client.callTool({ name: 'batch_search', arguments: { queries: Array.from({ length: 50 }, (_, i) => ({ query: `item ${i}` })) } }, undefined, {
      onprogress: (p) => void seen.push(p.progress),
    });
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(50);
  });
});

describe('cancellation over stdio', () => {
  const dir = tempDir();
  let embeddings: FakeEmbeddings;
  let s: StdioSession;
  beforeAll(async () => {
    embeddings = await startFakeEmbeddings(16, 60);
    s = await startStdio({
      cwd: dir.path,
      args: ['--dataset', join(dir.path, 'c.duckdb')],
      env: { CONTEXTFRAME_EMBEDDING_URL: embeddings.url, CONTEXTFRAME_EMBEDDING_MODEL: 'fake', CONTEXTFRAME_EMBEDDING_DIMENSIONS: '16' },
    });
  });
  afterAll(async () => {
    await s.close();
    await embeddings.close();
    dir.remove();
  });

  it('cancelling a long atomic batch_add leaves the dataset unchanged and the server healthy', async () => {
    await s.call('add_document', { content: 'before the batch' });
    const controller = new AbortController();
    const call = s.client.callTool({ name: 'batch_add', arguments: { documents: docs(1_280) } }, undefined, {
      signal: controller.signal,
      onprogress: (p) => {
        if (p.progress > 0) controller.abort();
      },
    });
    await expect(call).rejects.toThrow(/abort/i);
    const requestsAtCancel = embeddings.requests;
    // Long enough for the whole batch (20 embedding requests, 4 at a time, 60 ms each) had it not been cancelled.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(embeddings.requests - requestsAtCancel).toBeLessThan(8);
    const info = await s.call('dataset_info');
    expect(info.structuredContent).toMatchObject({ documents: 1, records: 1 });
    const again = await s.call('batch_add', { documents: docs(5) });
    expect(again.structuredContent).toMatchObject({ success: true, documents_added: 5 });
  });
});
