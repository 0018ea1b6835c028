// End to end over stdio: the SDK's Client spawns the built server (dist/main.js) on a temp dataset.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeChat, startFakeChat } from './helpers/fake-chat.js';
import { MAIN, startStdio, type StdioSession, tempDir } from './helpers/stdio-server.js';

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

describe('stdio server', () => {
  const dir = tempDir();
  let s: StdioSession;
  beforeAll(async () => {
    s = await startStdio({ cwd: dir.path, args: ['--dataset', join(dir.path, 'data', 'e2e.duckdb')] });
  });
  afterAll(async () => {
    await s.close();
    dir.remove();
  });

  it('lists every tool with its schemas and annotations', async () => {
    const { tools } = await s.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get('batch_delete')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: true, readOnlyHint: false });
    expect(byName.get('batch_update')!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get('batch_search')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('batch_add')!.inputSchema.required).toEqual(['documents']);
    expect((byName.get('batch_delete')!.inputSchema as any).properties.dry_run.default).toBe(true);
    expect((byName.get('batch_delete')!.inputSchema as any).oneOf).toHaveLength(2);
    for (const tool of tools) {
      expect(tool.description).toMatch(/Example/);
      expect((tool.outputSchema as any).anyOf[1].required).toEqual(['error']);
    }
  });

  it('creates the dataset file (and its folder) on first run', () => {
    expect(existsSync(join(dir.path, 'data', 'e2e.duckdb'))).toBe(true);
  });

  it('batch_add adds atomically, and rolls back everything when one document fails (TX_ROLLED_BACK)', async () => {
    const ok = await s.call('batch_add', { documents: docs(10), shared_settings: { collection: 'notes' } });
    expect(ok.structuredContent).toMatchObject({ success: true, documents_added: 10, progress: { status: 'succeeded', total: 10 } });
    const bad = await s.call('batch_add', { documents: [...docs(3), { content: 'x', metadata: { tags: 'no' } }] });
    expect(bad.isError).toBe(true);
    expect(bad.structuredContent!.error).toMatchObject({ code: 'TX_ROLLED_BACK', details: { item_index: 3 } });
    expect((await s.call('dataset_info')).structuredContent).toMatchObject({ documents: 10 });
  });

  it('batch_search answers each query and flags a bad filter per query (FILTER_SYNTAX)', async () => {
    const result = await s.call('batch_search', { queries: [{ query: 'databases search', limit: 3 }, { query: 'cats', filter: 'n >' }] });
    expect(result.isError).toBeFalsy();
    const [good, bad] = result.structuredContent!.results;
    expect(good).toMatchObject({ success: true, count: 3 });
    expect(bad).toMatchObject({ success: false, code: 'FILTER_SYNTAX' });
  });

  it('batch_update changes the selection, and fails a bad filter with FILTER_SYNTAX', async () => {
    const ok = await s.call('batch_update', { filter: "collection = 'notes' AND n < 4", updates: { metadata_updates: { status: 'reviewed' } } });
    expect(ok.structuredContent).toMatchObject({ success: true, documents_updated: 4 });
    const bad = await s.call('batch_update', { filter: "status = 'reviewed' AND AND", updates: { metadata_updates: { status: 'x' } } });
    expect(bad.structuredContent!.error.code).toBe('FILTER_SYNTAX');
    const tooMany = await s.call('batch_update', { filter: "collection = 'notes'", updates: { metadata_updates: { status: 'x' } }, max_documents: 5 });
    expect(tooMany.structuredContent!.error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
  });

  it('batch_delete dry-runs by default, refuses a wrong confirm_count, then deletes the confirmed count', async () => {
    const dry = await s.call('batch_delete', { filter: "status = 'reviewed'" });
    expect(dry.structuredContent).toMatchObject({ dry_run: true, documents_to_delete: 4 });
    const mismatch = await s.call('batch_delete', { filter: "status = 'reviewed'", dry_run: false, confirm_count: 3 });
    expect(mismatch.structuredContent!.error).toMatchObject({ code: 'CONFIRM_COUNT_MISMATCH', details: { expected: 3, found: 4 } });
    expect((await s.call('list_documents', { limit: 1 })).structuredContent!.total_count).toBe(10);
    const done = await s.call('batch_delete', { filter: "status = 'reviewed'", dry_run: false, confirm_count: 4 });
    expect(done.structuredContent).toMatchObject({ dry_run: false, documents_deleted: 4 });
    expect((await s.call('list_documents', { limit: 1 })).structuredContent!.total_count).toBe(6);
  });

  it('runs the single-document tools', async () => {
    const added = await s.call('add_document', { content: 'single', metadata: { title: 'One' } });
    const id = added.structuredContent!.document_id;
    expect((await s.call('get_document', { document_id: id })).structuredContent!.document).toMatchObject({ title: 'One', content: 'single' });
    expect((await s.call('update_document', { document_id: id, metadata_updates: { title: 'Uno' } })).structuredContent!.document.title).toBe('Uno');
    expect((await s.call('search_documents', { query: 'single', search_type: 'text' })).structuredContent!.results[0].uuid).toBe(id);
    expect((await s.call('delete_document', { document_id: id })).structuredContent).toMatchObject({ deleted: true });
    expect((await s.call('get_document', { document_id: id })).structuredContent!.error.code).toBe('NOT_FOUND');
  });

  it('logs to stderr only: stdout carried nothing the client could not parse', () => {
    expect(s.stderr()).toMatch(/info contextframe-stdio: serving MCP over stdio/);
    expect(s.stderr()).not.toMatch(/error/);
  });
});

describe('stdio server: batch_extract and batch_enhance with a configured LLM', () => {
  const dir = tempDir();
  let chat: FakeChat;
  let web: Server;
  let webUrl: string;
  let s: StdioSession;
  beforeAll(async () => {
    chat = await startFakeChat();
    web = createServer((req, res) => {
      res.writeHead(req.url === '/page.html' ? 200 : 404, { 'content-type': 'text/html' });
      res.end('<html><head><title>Web page</title></head><body><main><p>Served over HTTP for extraction.</p></main></body></html>');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    mkdirSync(join(dir.path, 'docs'));
    writeFileSync(join(dir.path, 'docs', 'one.md'), '# One\n\nThe first markdown file.');
    writeFileSync(join(dir.path, 'docs', 'two.txt'), 'The second, plain text file.');
    s = await startStdio({
      cwd: dir.path,
      args: ['--dataset', join(dir.path, 'x.duckdb'), '--allowed-roots', dir.path, '--allow-private-urls', '--llm-url', chat.url, '--llm-model', 'fake'],
    });
  });
  afterAll(async () => {
    await s.close();
    await chat.close();
    await new Promise((resolve) => web.close(resolve));
    dir.remove();
  });

  it('extracts a directory and a URL into documents, refusing a path outside the roots', async () => {
    const result = await s.call('batch_extract', { sources: [{ path: 'docs' }, { url: `${webUrl}/page.html` }, { path: '/etc/hostname' }], collection: 'e2e' });
    expect(result.structuredContent).toMatchObject({ sources_processed: 4, sources_extracted: 3, sources_failed: 1, documents_added: 3 });
    expect(result.structuredContent!.results.map((r: any) => [r.source, r.format, r.code ?? null])).toEqual([
      [join('docs', 'one.md'), 'markdown', null],
      [join('docs', 'two.txt'), 'text', null],
      [`${webUrl}/page.html`, 'html', null],
      ['/etc/hostname', null, 'PATH_OUTSIDE_ROOTS'],
    ]);
    const info = await s.call('dataset_info');
    expect(info.structuredContent).toMatchObject({ documents: 3, enhancer: 'openai-chat:fake', private_urls_allowed: true });
  });

  it('enhances with the configured LLM, one request per batch_size documents', async () => {
    const before = chat.requests;
    const result = await s.call('batch_enhance', { filter: "collection = 'e2e'", enhancements: ['title', 'tags'], batch_size: 2 });
    expect(result.structuredContent).toMatchObject({ success: true, enhancer: 'openai-chat:fake', total_documents: 3, documents_enhanced: 3 });
    expect(chat.requests - before).toBe(2);
    const listed = await s.call('list_documents', { filter: "collection = 'e2e'", include_content: false });
    for (const record of listed.structuredContent!.documents) {
      expect(record.title).toMatch(/^LLM title \d$/);
      expect(record.tags).toContain('llm');
    }
  });
});

describe('stdio server configuration', () => {
  it('defaults to ./contextframe.duckdb in the current folder and keeps data across restarts', async () => {
    const dir = tempDir();
    try {
      const first = await startStdio({ cwd: dir.path });
      await first.call('batch_add', { documents: docs(3) });
      const started = Date.now();
      await first.close();
      // Closing stdin stops the server at once (no kill after the SDK's 2 s wait), releasing the DuckDB file.
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(existsSync(join(dir.path, 'contextframe.duckdb'))).toBe(true);
      const second = await startStdio({ cwd: dir.path });
      expect((await second.call('dataset_info')).structuredContent).toMatchObject({ documents: 3 });
      await second.close();
    } finally {
      dir.remove();
    }
  });

  it('hides every write tool in read-only mode (CONTEXTFRAME_READ_ONLY)', async () => {
    const dir = tempDir();
    try {
      const s = await startStdio({ cwd: dir.path, env: { CONTEXTFRAME_READ_ONLY: 'true' } });
      expect((await s.client.listTools()).tools.map((tool) => tool.name)).toEqual(['batch_search', 'batch_export', 'search_documents', 'get_document', 'list_documents', 'dataset_info']);
      expect((await s.call('batch_delete', { filter: 'n >= 0', dry_run: false })).isError).toBe(true);
      await s.close();
    } finally {
      dir.remove();
    }
  });
});

describe('stdio server output', () => {
  it('writes only JSON-RPC messages to stdout, one per line, and its logs to stderr', async () => {
    const dir = tempDir();
    try {
      const child = spawn(process.execPath, [MAIN, '--log-level', 'debug'], { cwd: dir.path, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const send = (message: object) => child.stdin.write(`${JSON.stringify(message)}\n`);
      send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'batch_add', arguments: { documents: [{ content: 'x' }] }, _meta: { progressToken: 1 } } });
      send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'batch_delete', arguments: { filter: 'broken =' } } });
      // Calls run concurrently: wait for both answers, in whatever order.
      while (!(stdout.includes('"id":2') && stdout.includes('"id":3'))) await new Promise((resolve) => setTimeout(resolve, 20));
      child.stdin.end();
      expect(await exited).toBe(0);
      const messages = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { jsonrpc: string; id?: number; method?: string });
      expect(messages.every((message) => message.jsonrpc === '2.0')).toBe(true);
      expect(messages.filter((message) => message.method === 'notifications/progress').length).toBeGreaterThanOrEqual(2);
      expect(messages.flatMap((message) => (message.id === undefined ? [] : [message.id])).sort()).toEqual([1, 2, 3]);
      expect(stderr).toMatch(/debug contextframe-stdio: batch_add finished/);
      expect(stderr).toMatch(/info contextframe-stdio: stopped/);
    } finally {
      dir.remove();
    }
  });
});
