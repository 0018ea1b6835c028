// End to end over Streamable HTTP: the SDK's Client against the built server on a real port on 127.0.0.1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rawRequest } from '@contextframe/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type HttpSession, type RunningServer, startHttp, tempDir } from './helpers/http-server.js';

const TOOLS = [
  'batch_search',
  'batch_add',
  'batch_update',
  'batch_delete',
  'batch_export',
  'batch_import',
  'batch_enhance',
  'batch_extract',
  'search_documents',
  'add_document',
  'get_document',
  'list_documents',
  'update_document',
  'delete_document',
  'dataset_info',
];

const docs = (count: number, extra: Record<string, unknown> = {}) =>
  Array.from({ length: count }, (_, n) => ({ content: `Note ${n} on ${n % 2 ? 'gardening and cats' : 'databases and search'}`, metadata: { n, ...extra } }));

describe('HTTP server', () => {
  const dir = tempDir();
  let server: RunningServer;
  let s: HttpSession;
  beforeAll(async () => {
    server = await startHttp({ cwd: dir.path, args: ['--dataset', join(dir.path, 'h.duckdb')] });
    s = await connect(server.url);
  });
  afterAll(async () => {
    await s.close();
    expect(await server.stop()).toBe(0);
    dir.remove();
  });

  it('listens on 127.0.0.1 and says where on stderr', () => {
    expect(server.url.hostname).toBe('127.0.0.1');
    expect(server.url.pathname).toBe('/mcp');
    expect(server.stderr()).toMatch(/contextframe-http listening on http:\/\/127\.0\.0\.1:\d+\/mcp/);
  });

  it('answers GET /healthz', async () => {
    const health = await rawRequest(new URL('/healthz', server.url));
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok' });
  });

  it('lists every tool with schemas and annotations', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS);
    expect(tools.find((tool) => tool.name === 'batch_delete')!.annotations).toMatchObject({ destructiveHint: true });
    expect(tools.find((tool) => tool.name === 'list_documents')!.annotations).toMatchObject({ readOnlyHint: true });
  });

  it('runs every batch tool, with its failure paths', async () => {
    expect((await s.call('batch_add', { documents: docs(12) })).structuredContent).toMatchObject({ success: true, documents_added: 12 });
    const rolledBack = await s.call('batch_add', { documents: [{ content: 'ok' }, { content: 'bad', metadata: { uuid: 'nope' } }] });
    expect(rolledBack.structuredContent!.error.code).toBe('TX_ROLLED_BACK');

    const search = await s.call('batch_search', { queries: [{ query: 'cats', limit: 2 }, { query: 'x', filter: '(n = 1' }] });
    expect(search.structuredContent!.results.map((r: any) => [r.success, r.code ?? null])).toEqual([
      [true, null],
      [false, 'FILTER_SYNTAX'],
    ]);

    expect((await s.call('batch_update', { filter: 'n < 6', updates: { metadata_updates: { batch: 'one' } } })).structuredContent).toMatchObject({ documents_updated: 6 });
    expect((await s.call('batch_update', { filter: 'n <', updates: { metadata_updates: { batch: 'x' } } })).structuredContent!.error.code).toBe('FILTER_SYNTAX');

    expect((await s.call('batch_delete', { filter: "batch = 'one'" })).structuredContent).toMatchObject({ dry_run: true, documents_to_delete: 6 });
    expect((await s.call('batch_delete', { filter: "batch = 'one'", dry_run: false, confirm_count: 7 })).structuredContent!.error.code).toBe('CONFIRM_COUNT_MISMATCH');
    expect((await s.call('batch_delete', { filter: "batch = 'one'", dry_run: false, confirm_count: 6 })).structuredContent).toMatchObject({ documents_deleted: 6 });
    expect((await s.call('dataset_info')).structuredContent).toMatchObject({ documents: 6 });
  });

  it('runs batch_extract and batch_enhance, with their failure paths', async () => {
    mkdirSync(join(dir.path, 'in'), { recursive: true });
    writeFileSync(join(dir.path, 'in', 'guide.md'), '---\ntitle: Guide\n---\nHow to run the server and search the dataset with filters.');
    const extracted = await s.call('batch_extract', {
      sources: [{ path: join(dir.path, 'in') }, { url: 'http://localhost:9/private' }, { path: join(dir.path, 'in', 'missing.pdf') }],
      collection: 'guides',
    });
    expect(extracted.structuredContent!.results.map((r: any) => [r.success, r.code ?? null])).toEqual([
      [true, null],
      [false, 'URL_NOT_ALLOWED'],
      [false, 'FILE_NOT_FOUND'],
    ]);
    const strict = await s.call('batch_extract', { sources: [{ path: join(dir.path, 'in', 'guide.md') }, { path: '/etc/passwd' }], continue_on_error: false });
    expect(strict.structuredContent!.error.code).toBe('TX_ROLLED_BACK');

    const enhanced = await s.call('batch_enhance', { filter: "collection = 'guides'", enhancements: ['tags', 'context'], purpose: 'operating the server' });
    expect(enhanced.structuredContent).toMatchObject({ success: true, enhancer: 'extractive', documents_enhanced: 1 });
    const id = extracted.structuredContent!.results[0].document_id;
    const got = await s.call('get_document', { document_id: id });
    expect(got.structuredContent!.document.tags.length).toBeGreaterThan(0);
    expect(got.structuredContent!.document.context).toMatch(/server/);
    const tooMany = await s.call('batch_enhance', { filter: 'n >= 0', enhancements: ['title'], max_documents: 1 });
    expect(tooMany.structuredContent!.error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
  });

  it('streams progress over SSE while a 50-item batch runs, ending at the total', async () => {
    const seen: number[] = [];
    const result = await s.client.callTool({ name: 'batch_add', arguments: { documents: docs(50, { wave: 'progress' }) } }, undefined, {
      onprogress: (p) => {
        expect(p.total).toBe(50);
        seen.push(p.progress);
      },
    });
    expect(result.isError).toBeFalsy();
    expect(seen.length).toBeGreaterThan(3);
    expect(seen[0]).toBe(0);
    expect(seen.at(-1)).toBe(50);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
  });

  it('runs batches from two clients at once, both succeeding with consistent counts', async () => {
    const other = await connect(server.url);
    try {
      const before = (await s.call('dataset_info')).structuredContent!.documents as number;
      const [a, b, search] = await Promise.all([
        s.call('batch_add', { documents: docs(200, { client: 'a' }) }),
        other.call('batch_add', { documents: docs(150, { client: 'b' }) }),
        other.call('batch_search', { queries: Array.from({ length: 30 }, (_, i) => ({ query: `note ${i}` })) }),
      ]);
      expect(a.structuredContent).toMatchObject({ success: true, documents_added: 200 });
      expect(b.structuredContent).toMatchObject({ success: true, documents_added: 150 });
      expect(search.structuredContent).toMatchObject({ searches_completed: 30, searches_failed: 0 });
      expect((await other.call('dataset_info')).structuredContent!.documents).toBe(before + 350);
      expect((await s.call('list_documents', { filter: "client = 'b'", limit: 1 })).structuredContent!.total_count).toBe(150);
    } finally {
      await other.close();
    }
  });

  it('answers 404 for an unknown session and for other paths', async () => {
    const unknown = await rawRequest(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'no-such-session' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(unknown.status).toBe(404);
    expect((await rawRequest(new URL('/other', server.url))).status).toBe(404);
  });
});

describe('HTTP server in read-only mode', () => {
  it('hides every write tool', async () => {
    const dir = tempDir();
    const server = await startHttp({ cwd: dir.path, args: ['--read-only'] });
    try {
      const s = await connect(server.url);
      expect((await s.client.listTools()).tools.map((tool) => tool.name)).toEqual(['batch_search', 'batch_export', 'search_documents', 'get_document', 'list_documents', 'dataset_info']);
      expect((await s.call('add_document', { content: 'x' })).isError).toBe(true);
      await s.close();
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});
