// batch_extract against real files under a temp root, a real local HTTP server, and a real dataset file.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerPoolExtractor } from '@contextframe/extract';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { batchExtract } from '../../src/index.js';
import { openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;
let root: string;
let outside: string;

function file(path: string, content: string | Uint8Array): string {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, content);
  return full;
}

const MARKDOWN = '---\ntitle: Front matter title\nauthor: Ada\ntags: [notes, md]\n---\n# Heading\n\nBody text about DuckDB.\n';
const HTML =
  '<!doctype html><html><head><title>Page title</title><script>var secret = 1;</script></head>' +
  '<body><nav>Menu links</nav><main><h1>Main heading</h1><p>Readable paragraph about search.</p></main></body></html>';

// A local web server: /page (HTML), /moved (redirect to /page), /slow (never answers), /missing (404).
let server: Server;
let base: string;
const pending = new Set<import('node:http').ServerResponse>();

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/page') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(HTML);
    } else if (request.url === '/moved') {
      response.writeHead(302, { location: '/page' });
      response.end();
    } else if (request.url === '/slow') {
      pending.add(response);
    } else {
      response.writeHead(404);
      response.end('no');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of pending) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(async () => {
  t = await openTestDataset();
  root = mkdtempSync(join(tmpdir(), 'cf-extract-root-'));
  outside = mkdtempSync(join(tmpdir(), 'cf-extract-outside-'));
});

afterEach(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe('batch_extract', () => {
  it('extracts files of several formats, in input order, and adds each as a document with its source', async () => {
    file('notes/a.md', MARKDOWN);
    file('page.html', HTML);
    file('plain.txt', 'Just some plain text.\nSecond line.');
    file('data.json', JSON.stringify({ name: 'widget', description: 'A JSON description' }));
    file('table.csv', 'name,colour\napple,red\nbanana,yellow\n');
    const sources = ['notes/a.md', 'page.html', 'plain.txt', 'data.json', 'table.csv'].map((path) => ({ path: join(root, path) }));
    const result = await batchExtract({ sources, collection: 'imported', shared_metadata: { batch: 7 } }, t.context({ allowedRoots: [root] }));

    expect(result).toMatchObject({ success: true, sources_processed: 5, sources_extracted: 5, sources_failed: 0, documents_added: 5 });
    expect(result.results.map((r) => r.format)).toEqual(['markdown', 'html', 'text', 'json', 'csv']);
    expect(result.results.map((r) => r.source)).toEqual(sources.map((s) => s.path));
    expect(result.results[0]).toMatchObject({ success: true, title: 'Front matter title', document_id: expect.any(String) });
    expect(result.results.every((r) => r.content === undefined)).toBe(true);

    const [md] = await t.dataset.get([result.results[0]!.document_id!]);
    expect(md).toMatchObject({ title: 'Front matter title', collection: 'imported', tags: ['notes', 'md'], source_type: 'file', source_uri: sources[0]!.path });
    expect(md!.content).toContain('Body text about DuckDB.');
    expect(md!.metadata).toMatchObject({ author: 'Ada', batch: 7, format: 'markdown' });
    const [html] = await t.dataset.get([result.results[1]!.document_id!]);
    expect(html!.title).toBe('Page title');
    expect(html!.content).toContain('Readable paragraph about search.');
    expect(html!.content).not.toContain('secret');
    expect(html!.content).not.toContain('Menu links');
    expect(html!.embedding).toHaveLength(64);
    expect(await t.dataset.count()).toBe(5);
    // The text index has them at once.
    const found = await t.dataset.search({ type: 'text', text: 'readable paragraph', limit: 1 });
    expect(found[0]?.uuid).toBe(html!.uuid);
  });

  it('shared_metadata wins over what a file says of itself, and the collection argument over its front matter', async () => {
    file('a.md', '---\ntitle: Own title\ncollection: own\nuuid: not-a-uuid\n---\nText.');
    const result = await batchExtract(
      { sources: [{ path: join(root, 'a.md') }], collection: 'given', shared_metadata: { title: 'Shared title' } },
      t.context({ allowedRoots: [root] }),
    );
    const [doc] = await t.dataset.get([result.results[0]!.document_id!]);
    expect(doc).toMatchObject({ title: 'Shared title', collection: 'given' });
    // A file's own uuid never sets the record's: it is kept as metadata.
    expect(doc!.uuid).not.toBe('not-a-uuid');
    expect(doc!.metadata).toMatchObject({ source_uuid: 'not-a-uuid' });
  });

  it('expands a directory to its files in a stable order, skipping hidden ones and reporting (after its files) a symlink that leads out', async () => {
    file('docs/b.txt', 'bee');
    file('docs/a.txt', 'ay');
    file('docs/sub/c.txt', 'sea');
    file('docs/.hidden.txt', 'secret');
    writeFileSync(join(outside, 'secret.txt'), 'outside secret');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'docs', 'link.txt'));
    const dir = join(root, 'docs');
    const result = await batchExtract({ sources: [{ path: dir }] }, t.context({ allowedRoots: [root] }));
    expect(result.results.map((r) => [r.source, r.success, r.code])).toEqual([
      [join(dir, 'a.txt'), true, undefined],
      [join(dir, 'b.txt'), true, undefined],
      [join(dir, 'sub', 'c.txt'), true, undefined],
      [join(dir, 'link.txt'), false, 'PATH_OUTSIDE_ROOTS'],
    ]);
    expect(result).toMatchObject({ success: false, sources_processed: 4, sources_extracted: 3, sources_failed: 1, documents_added: 3 });
    const contents = (await t.dataset.query({ limit: 10 })).map((r) => r.content).sort();
    expect(contents).toEqual(['ay', 'bee', 'sea']);
  });

  it('refuses paths outside the allowed roots and missing files per source, adding the rest', async () => {
    writeFileSync(join(outside, 'x.txt'), 'outside');
    file('ok.txt', 'inside');
    const result = await batchExtract(
      {
        sources: [{ path: join(outside, 'x.txt') }, { path: join(root, 'ok.txt') }, { path: join(root, '..', 'etc', 'passwd') }, { path: join(root, 'missing.txt') }],
      },
      t.context({ allowedRoots: [root] }),
    );
    expect(result.results.map((r) => r.code ?? 'ok')).toEqual(['PATH_OUTSIDE_ROOTS', 'ok', 'PATH_OUTSIDE_ROOTS', 'FILE_NOT_FOUND']);
    expect(result.results[0]!.error).toMatch(/outside the allowed roots/);
    expect(result).toMatchObject({ sources_processed: 4, sources_extracted: 1, sources_failed: 3, documents_added: 1 });
  });

  it('with continue_on_error false, the first failure stops the call and nothing is added', async () => {
    file('a.txt', 'first');
    file('b.txt', 'second');
    const before = await snapshot(t.dataset);
    const error = await rejection(
      batchExtract(
        { sources: [{ path: join(root, 'a.txt') }, { path: join(root, 'nope.txt') }, { path: join(root, 'b.txt') }], continue_on_error: false },
        t.context({ allowedRoots: [root] }),
      ),
    );
    expect(error.code).toBe('TX_ROLLED_BACK');
    expect(error.message).toMatch(/source 1 \(.*nope\.txt\) failed with FILE_NOT_FOUND/);
    expect(error.message).toMatch(/continue_on_error: true/);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('with add_to_dataset false, returns the text and writes nothing', async () => {
    file('a.md', MARKDOWN);
    const before = await snapshot(t.dataset);
    const result = await batchExtract({ sources: [{ path: join(root, 'a.md') }], add_to_dataset: false }, t.context({ allowedRoots: [root] }));
    expect(result.results[0]).toMatchObject({ success: true, format: 'markdown', title: 'Front matter title' });
    expect(result.results[0]!.content).toContain('Body text about DuckDB.');
    expect(result.results[0]!.content_length).toBe(result.results[0]!.content!.length);
    expect(result.results[0]!.document_id).toBeUndefined();
    expect(result.documents_added).toBe(0);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('honours an explicit type over sniffing, and reports binary garbage as UNSUPPORTED_FORMAT', async () => {
    file('looks.txt', '# Heading\n\nMarkdown after all.');
    file('blob.bin', new Uint8Array(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)));
    const result = await batchExtract(
      { sources: [{ path: join(root, 'looks.txt'), type: 'markdown' }, { path: join(root, 'blob.bin') }] },
      t.context({ allowedRoots: [root] }),
    );
    expect(result.results[0]).toMatchObject({ success: true, format: 'markdown', title: 'Heading' });
    expect(result.results[1]).toMatchObject({ success: false, code: 'UNSUPPORTED_FORMAT' });
  });

  it('a source with both or neither of path and url fails alone with INVALID_INPUT', async () => {
    file('a.txt', 'fine');
    const result = await batchExtract(
      { sources: [{ path: join(root, 'a.txt'), url: `${base}/page` }, {}, { path: join(root, 'a.txt') }] },
      t.context({ allowedRoots: [root] }),
    );
    expect(result.results.map((r) => r.code ?? 'ok')).toEqual(['INVALID_INPUT', 'INVALID_INPUT', 'ok']);
  });

  it('stores chunks like batch_add when chunk_size is given', async () => {
    file('long.txt', 'Sentence number one is here. '.repeat(20));
    const result = await batchExtract({ sources: [{ path: join(root, 'long.txt') }], chunk_size: 100 }, t.context({ allowedRoots: [root] }));
    expect(result.chunks_created).toBeGreaterThan(3);
    const records = await t.dataset.get([result.results[0]!.document_id!], { includeChunks: true });
    expect(records.filter((r) => r.record_type === 'chunk')).toHaveLength(result.chunks_created);
  });

  describe('URLs', () => {
    it('refuses a loopback URL by default, and fetches the same URL when private addresses are allowed', async () => {
      const refused = await batchExtract({ sources: [{ url: `${base}/page` }] }, t.context());
      expect(refused.results[0]).toMatchObject({ success: false, code: 'URL_NOT_ALLOWED' });
      expect(refused.results[0]!.error).toMatch(/127\.0\.0\.1.*loopback/);
      expect(await t.dataset.count()).toBe(0);

      const allowed = await batchExtract({ sources: [{ url: `${base}/page` }, { url: `${base}/moved` }] }, t.context({ fetchPolicy: { allowPrivate: true } }));
      expect(allowed.results[0]).toMatchObject({ success: true, format: 'html', title: 'Page title' });
      expect(allowed.results[1]).toMatchObject({ success: true, final_url: `${base}/page` });
      const [doc] = await t.dataset.get([allowed.results[0]!.document_id!]);
      expect(doc).toMatchObject({ source_type: 'url', source_uri: `${base}/page` });
    });

    it('reports a 404 per source, and a URL that never answers as URL_TIMEOUT', async () => {
      const result = await batchExtract(
        { sources: [{ url: `${base}/missing` }, { url: `${base}/slow` }, { url: `${base}/page` }] },
        t.context({ fetchPolicy: { allowPrivate: true, timeoutMs: 300 } }),
      );
      expect(result.results.map((r) => r.code ?? 'ok')).toEqual(['URL_FETCH_FAILED', 'URL_TIMEOUT', 'ok']);
      expect(result.documents_added).toBe(1);
    });

    it('cancelling while a fetch hangs stops the call with CANCELLED and adds nothing', async () => {
      file('a.txt', 'quick');
      const controller = new AbortController();
      const call = batchExtract(
        { sources: [{ path: join(root, 'a.txt') }, { url: `${base}/slow` }] },
        t.context({ allowedRoots: [root], fetchPolicy: { allowPrivate: true }, signal: controller.signal }),
      );
      setTimeout(() => controller.abort(new Error('stop')), 200);
      const error = await rejection(call);
      expect(error.code).toBe('CANCELLED');
      expect(await t.dataset.count()).toBe(0);
    });
  });

  it('runs extraction in worker threads when given a WorkerPoolExtractor', async () => {
    file('a.md', MARKDOWN);
    const extractor = new WorkerPoolExtractor({ workers: 1 });
    try {
      const result = await batchExtract({ sources: [{ path: join(root, 'a.md') }] }, t.context({ allowedRoots: [root], extractor }));
      expect(result.results[0]).toMatchObject({ success: true, format: 'markdown', title: 'Front matter title' });
    } finally {
      await extractor.close();
    }
  });
});
