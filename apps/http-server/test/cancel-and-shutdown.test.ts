// Cancellation (client abort, client hang-up), graceful SIGTERM and idle sessions, against the built HTTP server.
import { join } from 'node:path';
import { type FakeEmbeddings, rawRequest, rawSession, startFakeEmbeddings } from '@contextframe/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type RunningServer, startHttp, tempDir } from './helpers/http-server.js';

const docs = (count: number) => Array.from({ length: count }, (_, n) => ({ content: `Item ${n}: ${'lorem ipsum '.repeat(5)}`, metadata: { n } }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let embeddings: FakeEmbeddings;
beforeAll(async () => {
  // 60 ms per embedding request: a 1,280-document batch needs 20 requests, 4 at a time, so it runs long enough to interrupt.
  embeddings = await startFakeEmbeddings(16, 60);
});
afterAll(() => embeddings.close());

const embeddingEnv = () => ({ CONTEXTFRAME_EMBEDDING_URL: embeddings.url, CONTEXTFRAME_EMBEDDING_MODEL: 'fake', CONTEXTFRAME_EMBEDDING_DIMENSIONS: '16' });

describe('cancellation over HTTP', () => {
  const dir = tempDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHttp({ cwd: dir.path, args: ['--dataset', join(dir.path, 'c.duckdb')], env: embeddingEnv() });
  });
  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  it('cancelling a long atomic batch_add (client abort) leaves the dataset unchanged and the server healthy', async () => {
    const s = await connect(server.url);
    await s.call('add_document', { content: 'before' });
    const controller = new AbortController();
    const call = s.client.callTool({ name: 'batch_add', arguments: { documents: docs(1_280) } }, undefined, {
      signal: controller.signal,
      onprogress: (p) => {
        if (p.progress > 0) controller.abort();
      },
    });
    await expect(call).rejects.toThrow(/abort/i);
    await sleep(1_000);
    expect((await s.call('dataset_info')).structuredContent).toMatchObject({ documents: 1, records: 1 });
    expect((await s.call('batch_add', { documents: docs(3) })).structuredContent).toMatchObject({ documents_added: 3 });
    await s.close();
  });

  it('a client that hangs up mid-call cancels it, and nothing is written', async () => {
    const s = await connect(server.url);
    const before = (await s.call('dataset_info')).structuredContent!.documents as number;
    const headers = await rawSession(server.url);
    const call = { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'batch_add', arguments: { documents: docs(1_280) }, _meta: { progressToken: 'p' } } };
    const requestsBefore = embeddings.requests;
    const answer = await rawRequest(server.url, { method: 'POST', headers, body: JSON.stringify(call), hangUpWhen: (body) => /"progress":[1-9]/.test(body) });
    expect(answer.body).not.toMatch(/"result"/);
    await sleep(1_000);
    expect(embeddings.requests - requestsBefore).toBeLessThan(12);
    expect((await s.call('dataset_info')).structuredContent!.documents).toBe(before);
    await s.close();
  });
});

describe('graceful shutdown', () => {
  it('on SIGTERM lets a running batch finish within the grace period, then exits 0 with the data kept', async () => {
    const dir = tempDir();
    try {
      const dataset = join(dir.path, 'g.duckdb');
      const server = await startHttp({ cwd: dir.path, args: ['--dataset', dataset, '--shutdown-grace-seconds', '20'], env: embeddingEnv() });
      const s = await connect(server.url);
      let stopping: Promise<number | null> | undefined;
      const result = await s.client.callTool({ name: 'batch_add', arguments: { documents: docs(640) } }, undefined, {
        onprogress: (p) => {
          if (p.progress > 0) stopping ??= server.stop();
        },
      });
      expect(result.structuredContent).toMatchObject({ success: true, documents_added: 640 });
      expect(await stopping).toBe(0);
      expect(server.stderr()).toMatch(/shutting down \(SIGTERM\), 1 call\(s\) running/);
      const restarted = await startHttp({ cwd: dir.path, args: ['--dataset', dataset], env: embeddingEnv() });
      const again = await connect(restarted.url);
      expect((await again.call('dataset_info')).structuredContent).toMatchObject({ documents: 640 });
      await again.close();
      expect(await restarted.stop()).toBe(0);
    } finally {
      dir.remove();
    }
  });

  it('on SIGTERM with no grace left cancels the running batch, which rolls back, then exits 0', async () => {
    const dir = tempDir();
    try {
      const dataset = join(dir.path, 'r.duckdb');
      const server = await startHttp({ cwd: dir.path, args: ['--dataset', dataset, '--shutdown-grace-seconds', '0'], env: embeddingEnv() });
      const s = await connect(server.url);
      let stopping: Promise<number | null> | undefined;
      const call = s.client
        .callTool({ name: 'batch_add', arguments: { documents: docs(1_280) } }, undefined, {
          onprogress: (p) => {
            if (p.progress > 0) stopping ??= server.stop();
          },
        })
        .then(
          () => 'answered',
          () => 'failed',
        );
      while (stopping === undefined) await sleep(20);
      expect(await stopping).toBe(0);
      // The stream ended without an answer; closing the client fails the pending call.
      await s.client.close();
      expect(await call).toBe('failed');
      expect(server.stderr()).toMatch(/cancelling 1 call\(s\)/);
      const restarted = await startHttp({ cwd: dir.path, args: ['--dataset', dataset], env: embeddingEnv() });
      const again = await connect(restarted.url);
      expect((await again.call('dataset_info')).structuredContent).toMatchObject({ records: 0 });
      await again.close();
      await restarted.stop();
    } finally {
      dir.remove();
    }
  });
});

describe('idle sessions', () => {
  it('expire after --session-idle-seconds without requests', async () => {
    const dir = tempDir();
    const server = await startHttp({ cwd: dir.path, args: ['--session-idle-seconds', '1'] });
    try {
      const headers = await rawSession(server.url);
      const list = JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
      expect((await rawRequest(server.url, { method: 'POST', headers, body: list })).status).toBe(200);
      await sleep(2_500);
      expect((await rawRequest(server.url, { method: 'POST', headers, body: list })).status).toBe(404);
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
