import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documents, type Harness, openHarness } from '../fixtures.js';

let h: Harness;
afterEach(() => h.close());

async function seed(count: number, extra: Record<string, unknown> = {}): Promise<string[]> {
  const added = await h.call('batch_add', { documents: documents(count, extra) });
  expect(added.isError).toBeFalsy();
  return added.structuredContent!.document_ids as string[];
}

describe('batch_search', () => {
  beforeEach(async () => {
    h = await openHarness();
  });

  it('runs every query and returns the results in input order', async () => {
    await seed(10);
    const result = await h.call('batch_search', {
      queries: [
        { query: 'databases vectors', limit: 3 },
        { query: 'cats gardens', search_type: 'text', limit: 2 },
        { query: 'databases', search_type: 'vector', filter: 'n >= 6' },
      ],
    });
    expect(result.isError).toBeFalsy();
    const sc = result.structuredContent!;
    expect(sc.searches_completed).toBe(3);
    expect(sc.results.map((r: any) => [r.query, r.search_type, r.count])).toEqual([
      ['databases vectors', 'hybrid', 3],
      ['cats gardens', 'text', 2],
      ['databases', 'vector', 4],
    ]);
    expect(sc.results[0].results[0].content).toMatch(/databases and vectors/);
    expect(sc.results[2].results.every((hit: any) => hit.metadata.n >= 6)).toBe(true);
    expect(sc.progress).toMatchObject({ total: 3, current: 3, status: 'succeeded' });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toEqual(sc);
  });

  it('reports a bad filter in its own query with FILTER_SYNTAX and still runs the others', async () => {
    await seed(3);
    const result = await h.call('batch_search', { queries: [{ query: 'cats', filter: "status = 'x' AND" }, { query: 'cats' }] });
    expect(result.isError).toBeFalsy();
    const [bad, good] = result.structuredContent!.results;
    expect(bad).toMatchObject({ success: false, code: 'FILTER_SYNTAX', count: 0, results: [] });
    expect(good.success).toBe(true);
    expect(result.structuredContent!.searches_failed).toBe(1);
  });

  it('answers an invalid call with INVALID_INPUT naming the field', async () => {
    const result = await h.call('batch_search', { queries: [{ query: 'x', search_type: 'fuzzy' }] });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('INVALID_INPUT');
    expect(result.structuredContent!.error.details.issues[0].path).toBe('queries[0].search_type');
  });
});

describe('batch_search over the response budget', () => {
  it('keeps each query\'s best hits, marks the cut, and stays within the budget', async () => {
    h = await openHarness({ maxResponseBytes: 16_384 });
    await h.call('batch_add', { documents: Array.from({ length: 60 }, (_, n) => ({ content: `shared words ${n} ${'padding '.repeat(60)}` })) });
    const result = await h.call('batch_search', { queries: [{ query: 'shared words', limit: 50 }, { query: 'padding', limit: 50, search_type: 'text' }] });
    expect(result.isError).toBeFalsy();
    const sc = result.structuredContent!;
    expect(sc.truncated).toBe(true);
    for (const query of sc.results) {
      expect(query.truncated).toBe(true);
      expect(query.count).toBe(query.results.length);
      expect(query.count + query.omitted).toBe(50);
      expect(query.count).toBeGreaterThan(3);
    }
    expect(Buffer.byteLength((result.content[0] as { text: string }).text)).toBeLessThanOrEqual(16_384);
  });
});

describe('batch_add', () => {
  beforeEach(async () => {
    h = await openHarness();
  });

  it('adds every document, with metadata fields set as record fields', async () => {
    const result = await h.call('batch_add', {
      documents: [{ content: 'alpha', metadata: { title: 'A', tags: ['x'], status: 'draft' } }, { content: 'beta' }],
      shared_settings: { collection: 'notes' },
    });
    expect(result.structuredContent).toMatchObject({ success: true, atomic: true, documents_added: 2, documents_failed: 0, errors: [] });
    const [a] = await h.dataset.get([result.structuredContent!.document_ids[0]]);
    expect(a).toMatchObject({ title: 'A', tags: ['x'], collection: 'notes', metadata: { status: 'draft' } });
  });

  it('writes nothing when one document of an atomic batch fails, and says which (TX_ROLLED_BACK)', async () => {
    await seed(2);
    const result = await h.call('batch_add', { documents: [...documents(3), { content: 'bad', metadata: { tags: 'not-a-list' } }] });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error).toMatchObject({ code: 'TX_ROLLED_BACK', details: { item_index: 3, code: 'INVALID_INPUT' } });
    expect(await h.dataset.count()).toBe(2);
  });

  it('keeps the good documents of a non-atomic batch and lists the failed ones by index', async () => {
    const result = await h.call('batch_add', { documents: [{ content: 'ok' }, { content: 'bad', metadata: { title: 5 } }, { content: 'ok too' }], atomic: false });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ success: false, documents_added: 2, documents_failed: 1, errors: [{ item_index: 1, code: 'INVALID_INPUT' }] });
    expect(result.structuredContent!.document_ids[1]).toBeNull();
    expect(await h.dataset.count()).toBe(2);
  });

  it('answers a call without documents with INVALID_INPUT', async () => {
    const result = await h.call('batch_add', { documents: [] });
    expect(result.structuredContent!.error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'documents' }] } });
  });
});

describe('batch_update', () => {
  beforeEach(async () => {
    h = await openHarness();
  });

  it('merges metadata into every record the filter selects', async () => {
    await seed(6);
    const result = await h.call('batch_update', { filter: 'n < 3', updates: { metadata_updates: { status: 'reviewed', tags: ['checked'] } } });
    expect(result.structuredContent).toMatchObject({ success: true, documents_matched: 3, documents_updated: 3, errors: [] });
    expect(await h.dataset.count("status = 'reviewed' AND 'checked' IN tags")).toBe(3);
    expect(await h.dataset.count("status = 'reviewed'")).toBe(3);
  });

  it('fails a bad filter with FILTER_SYNTAX and changes nothing', async () => {
    await seed(2);
    const result = await h.call('batch_update', { filter: 'n <', updates: { metadata_updates: { status: 'x' } } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('FILTER_SYNTAX');
    expect(await h.dataset.count("status = 'x'")).toBe(0);
  });

  it('refuses more matches than max_documents (MAX_DOCUMENTS_EXCEEDED) and changes nothing', async () => {
    await seed(5);
    const result = await h.call('batch_update', { filter: 'n >= 0', updates: { metadata_updates: { status: 'x' } }, max_documents: 4 });
    expect(result.structuredContent!.error).toMatchObject({ code: 'MAX_DOCUMENTS_EXCEEDED', details: { matched: 5, max_documents: 4 } });
    expect(await h.dataset.count("status = 'x'")).toBe(0);
  });

  it('refuses both filter and document_ids', async () => {
    const ids = await seed(1);
    const result = await h.call('batch_update', { filter: 'n = 0', document_ids: ids, updates: { metadata_updates: { a: 1 } } });
    expect(result.structuredContent!.error.code).toBe('INVALID_INPUT');
  });
});

describe('batch_delete', () => {
  beforeEach(async () => {
    h = await openHarness();
  });

  it('is a dry run by default: reports the count and deletes nothing', async () => {
    await seed(5);
    const result = await h.call('batch_delete', { filter: 'n >= 2' });
    expect(result.structuredContent).toMatchObject({ success: true, dry_run: true, documents_to_delete: 3, truncated: false });
    expect(result.structuredContent!.document_ids).toHaveLength(3);
    expect(await h.dataset.count()).toBe(5);
  });

  it('refuses a confirm_count that does not match (CONFIRM_COUNT_MISMATCH) and deletes nothing', async () => {
    await seed(5);
    const result = await h.call('batch_delete', { filter: 'n >= 2', dry_run: false, confirm_count: 2 });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error).toMatchObject({ code: 'CONFIRM_COUNT_MISMATCH', details: { expected: 2, found: 3 } });
    expect(await h.dataset.count()).toBe(5);
  });

  it('deletes the confirmed selection, and reports unknown ids', async () => {
    const ids = await seed(4);
    const result = await h.call('batch_delete', { document_ids: [ids[0], ids[1], '00000000-0000-4000-8000-000000000000'], dry_run: false, confirm_count: 2 });
    expect(result.structuredContent).toMatchObject({ success: true, dry_run: false, documents_deleted: 2, not_found: ['00000000-0000-4000-8000-000000000000'] });
    expect(await h.dataset.count()).toBe(2);
  });

  it('fails a bad filter with FILTER_SYNTAX', async () => {
    const result = await h.call('batch_delete', { filter: "collection = 'a' OR", dry_run: false });
    expect(result.structuredContent!.error.code).toBe('FILTER_SYNTAX');
    expect(result.structuredContent!.error.details.position).toBeTypeOf('number');
  });
});

describe('batch_export and batch_import', () => {
  let root: string;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'cf-transport-io-'));
    h = await openHarness({ allowedRoots: [root] });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('exports to files under the allowed root and imports them back into the same dataset with on_conflict replace', async () => {
    await seed(5);
    const exported = await h.call('batch_export', { format: 'jsonl', output_path: join(root, 'all.jsonl'), chunk_size: 2, include_embeddings: true });
    expect(exported.isError).toBeFalsy();
    expect(exported.structuredContent).toMatchObject({ success: true, format: 'jsonl', documents_exported: 5 });
    expect(exported.structuredContent!.files.map((f: any) => f.documents)).toEqual([2, 2, 1]);
    const imported = await h.call('batch_import', { source_path: exported.structuredContent!.files[0].path, on_conflict: 'replace' });
    expect(imported.isError).toBeFalsy();
    expect(imported.structuredContent).toMatchObject({ success: true, documents_found: 2, documents_imported: 2, embeddings_generated: 0, errors: [] });
  });

  it('passes the configured allowed roots to core: a path outside them is PATH_OUTSIDE_ROOTS', async () => {
    const result = await h.call('batch_export', { format: 'json', output_path: join(tmpdir(), 'cf-never-written.json') });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('PATH_OUTSIDE_ROOTS');
    const missing = await h.call('batch_import', { source_path: join(root, 'missing.jsonl') });
    expect(missing.structuredContent!.error.code).toBe('FILE_NOT_FOUND');
  });
});

describe('batch_enhance', () => {
  beforeEach(async () => {
    h = await openHarness();
  });

  it('writes extractive titles, tags and facts into the selected records, and returns what it wrote', async () => {
    const added = await h.call('batch_add', {
      documents: [
        { content: '# Vector search\n\nVector search ranks the documents by the similarity of their embeddings to the query. It is one of the ways to find what is relevant, and it works with any language.', metadata: { collection: 'a' } },
        { content: 'Gardening notes about tomatoes and soil.', metadata: { collection: 'b' } },
      ],
    });
    const ids = added.structuredContent!.document_ids as string[];
    const result = await h.call('batch_enhance', { filter: "collection = 'a'", enhancements: ['title', 'tags', 'metadata'] });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ success: true, enhancer: 'extractive', total_documents: 1, documents_enhanced: 1, documents_failed: 0 });
    const [entry] = result.structuredContent!.results;
    expect(entry).toMatchObject({ document_id: ids[0], written: true, errors: [], enhancements: { title: 'Vector search' } });
    expect(entry.enhancements.tags.length).toBeGreaterThan(0);
    const [stored] = await h.dataset.get([ids[0]!]);
    expect(stored!.title).toBe('Vector search');
    expect(stored!.metadata).toMatchObject({ language: 'en', word_count: expect.any(Number) });
    const [untouched] = await h.dataset.get([ids[1]!]);
    expect(untouched!.title).toBeNull();
  });

  it('refuses more matches than max_documents with MAX_DOCUMENTS_EXCEEDED and changes nothing', async () => {
    await seed(3);
    const before = await h.dataset.query({ limit: 10 });
    const result = await h.call('batch_enhance', { filter: 'n >= 0', enhancements: ['title'], max_documents: 2 });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
    expect(await h.dataset.query({ limit: 10 })).toEqual(before);
  });

  it('answers an unknown enhancement with INVALID_INPUT', async () => {
    const result = await h.call('batch_enhance', { document_ids: [], enhancements: ['summary'] });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('INVALID_INPUT');
  });
});

describe('batch_extract', () => {
  let root: string;
  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'cf-transport-extract-'));
    h = await openHarness({ allowedRoots: [root] });
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('adds a document per file and reports a path outside the roots per source', async () => {
    writeFileSync(join(root, 'a.md'), '# Alpha\n\nText about alpha.');
    const result = await h.call('batch_extract', { sources: [{ path: join(root, 'a.md') }, { path: '/etc/hostname' }], collection: 'docs' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ success: false, sources_processed: 2, sources_extracted: 1, sources_failed: 1, documents_added: 1 });
    expect(result.structuredContent!.results[0]).toMatchObject({ success: true, format: 'markdown', title: 'Alpha' });
    expect(result.structuredContent!.results[1]).toMatchObject({ success: false, code: 'PATH_OUTSIDE_ROOTS' });
    const [doc] = await h.dataset.get([result.structuredContent!.results[0].document_id]);
    expect(doc).toMatchObject({ title: 'Alpha', collection: 'docs', source_type: 'file' });
  });

  it('refuses loopback URLs unless the server allows private addresses', async () => {
    const result = await h.call('batch_extract', { sources: [{ url: 'http://127.0.0.1:9/x' }] });
    expect(result.structuredContent!.results[0]).toMatchObject({ success: false, code: 'URL_NOT_ALLOWED' });
    const info = await h.call('dataset_info');
    expect(info.structuredContent).toMatchObject({ private_urls_allowed: false, enhancer: 'extractive' });
  });

  it('cuts long extracted texts to the response budget, marking each cut, when add_to_dataset is false', async () => {
    await h.close();
    h = await openHarness({ allowedRoots: [root], maxResponseBytes: 4000 });
    for (const name of ['a', 'b']) writeFileSync(join(root, `${name}.txt`), `${name} `.repeat(5000));
    const result = await h.call('batch_extract', { sources: [{ path: join(root, 'a.txt') }, { path: join(root, 'b.txt') }], add_to_dataset: false });
    expect(result.isError).toBeFalsy();
    expect(Buffer.byteLength(JSON.stringify(result.structuredContent))).toBeLessThanOrEqual(4000);
    expect(result.structuredContent!.truncated).toBe(true);
    for (const entry of result.structuredContent!.results) {
      expect(entry).toMatchObject({ success: true, content_truncated: true, content_length: 9999 });
      expect(entry.content.length).toBeGreaterThan(500);
    }
    expect(await h.dataset.count()).toBe(0);
  });
});
