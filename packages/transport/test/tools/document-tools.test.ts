import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { documents, type Harness, openHarness } from '../fixtures.js';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
let h: Harness;
beforeEach(async () => {
  h = await openHarness();
});
afterEach(() => h.close());

async function add(args: Record<string, unknown>): Promise<string> {
  const result = await h.call('add_document', args);
  expect(result.isError).toBeFalsy();
  return result.structuredContent!.document_id as string;
}

describe('search_documents', () => {
  it('finds documents, best first', async () => {
    await h.call('batch_add', { documents: documents(6) });
    const result = await h.call('search_documents', { query: 'cats gardens', limit: 2 });
    expect(result.structuredContent).toMatchObject({ query: 'cats gardens', search_type: 'hybrid', count: 2 });
    expect(result.structuredContent!.results[0].content).toMatch(/cats and gardens/);
  });

  it('fails a bad filter with FILTER_SYNTAX', async () => {
    const result = await h.call('search_documents', { query: 'x', filter: "title = 'unclosed" });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('FILTER_SYNTAX');
  });

  it('fails an unknown field with its own code', async () => {
    const result = await h.call('search_documents', { query: 'x', filter: 'embedding = 3' });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toMatch(/^FILTER_/);
  });
});

describe('add_document and get_document', () => {
  it('adds a document with fields from metadata, and reads it back with its chunks and vector', async () => {
    const id = await add({ content: 'one two three four five six seven eight', metadata: { title: 'T', tags: ['a'], team: 'core' }, collection: 'notes', chunk_size: 10 });
    const result = await h.call('get_document', { document_id: id, include_chunks: true, include_embedding: true });
    const { document, chunks } = result.structuredContent!;
    expect(document).toMatchObject({ uuid: id, title: 'T', tags: ['a'], collection: 'notes', metadata: { team: 'core' }, record_type: 'document' });
    expect(document.embedding).toHaveLength(64);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk: any) => chunk.parent_id === id && chunk.record_type === 'chunk')).toBe(true);
    expect(chunks.map((chunk: any) => chunk.chunk_index)).toEqual(chunks.map((_: unknown, i: number) => i));
  });

  it('leaves vectors and chunks out unless asked', async () => {
    const id = await add({ content: 'plain' });
    const { structuredContent } = await h.call('get_document', { document_id: id });
    expect(structuredContent).toEqual({ document: expect.not.objectContaining({ embedding: expect.anything() }) });
  });

  it('fails with the document\'s own code, not TX_ROLLED_BACK', async () => {
    const id = await add({ content: 'first' });
    const duplicate = await h.call('add_document', { content: 'again', metadata: { uuid: id } });
    expect(duplicate.structuredContent!.error.code).toBe('DUPLICATE_ID');
    const badField = await h.call('add_document', { content: 'x', metadata: { tags: 3 } });
    expect(badField.structuredContent!.error.code).toBe('INVALID_INPUT');
    expect(await h.dataset.count()).toBe(1);
  });

  it('answers an unknown uuid with NOT_FOUND and a malformed one with INVALID_INPUT', async () => {
    expect((await h.call('get_document', { document_id: UNKNOWN })).structuredContent!.error.code).toBe('NOT_FOUND');
    const malformed = await h.call('get_document', { document_id: 'doc-1' });
    expect(malformed.structuredContent!.error).toMatchObject({ code: 'INVALID_INPUT', details: { issues: [{ path: 'document_id' }] } });
  });
});

describe('get_document over the response budget', () => {
  it('cuts a huge content to fit and says so', async () => {
    await h.close();
    h = await openHarness({ maxResponseBytes: 16_384 });
    const id = await add({ content: 'word "quoted"\n'.repeat(5_000), generate_embeddings: false });
    const result = await h.call('get_document', { document_id: id });
    expect(result.structuredContent!.truncated).toBe(true);
    expect(result.structuredContent!.document.content).toMatch(/bytes cut to fit the response budget\]$/);
    expect(Buffer.byteLength((result.content[0] as { text: string }).text)).toBeLessThanOrEqual(16_384);
  });
});

describe('list_documents', () => {
  it('pages through matches with the true total_count', async () => {
    await h.call('batch_add', { documents: documents(25) });
    const first = await h.call('list_documents', { filter: 'n >= 5', limit: 8, order_by: 'created_at' });
    expect(first.structuredContent).toMatchObject({ total_count: 20, offset: 0, count: 8, has_more: true, next_offset: 8 });
    const last = await h.call('list_documents', { filter: 'n >= 5', limit: 8, offset: 16 });
    expect(last.structuredContent).toMatchObject({ total_count: 20, count: 4, has_more: false, next_offset: null });
  });

  it('leaves chunks out by default, and content when asked', async () => {
    await add({ content: 'alpha beta gamma delta epsilon', chunk_size: 8 });
    const docs = await h.call('list_documents', { include_content: false });
    expect(docs.structuredContent).toMatchObject({ total_count: 1, count: 1 });
    expect(docs.structuredContent!.documents[0].content).toBeUndefined();
    const all = await h.call('list_documents', { include_chunks: true });
    expect(all.structuredContent!.total_count).toBeGreaterThan(2);
  });

  it('cuts a page to the budget and continues paging right after the last record returned', async () => {
    await h.close();
    h = await openHarness({ maxResponseBytes: 16_384 });
    await h.call('batch_add', { documents: Array.from({ length: 40 }, (_, n) => ({ content: `${n} ${'x'.repeat(1_000)}` })), shared_settings: { generate_embeddings: false } });
    const page = await h.call('list_documents', { limit: 40 });
    const sc = page.structuredContent!;
    expect(sc.truncated).toBe(true);
    expect(sc.count).toBe(sc.documents.length);
    expect(sc.count).toBeLessThan(40);
    expect(sc.omitted).toEqual({ documents: 40 - sc.count });
    expect(sc).toMatchObject({ total_count: 40, has_more: true, next_offset: sc.count });
  });

  it('fails a bad filter with FILTER_SYNTAX', async () => {
    expect((await h.call('list_documents', { filter: 'n >>' })).structuredContent!.error.code).toBe('FILTER_SYNTAX');
  });
});

describe('update_document', () => {
  it('replaces content (re-embedding it) and merges metadata', async () => {
    const id = await add({ content: 'old words', metadata: { status: 'draft', keep: 1 } });
    const [before] = await h.dataset.get([id]);
    const result = await h.call('update_document', { document_id: id, content: 'new words entirely', metadata_updates: { status: 'final', title: 'New' } });
    expect(result.structuredContent).toMatchObject({ embedding_regenerated: true, document: { uuid: id, title: 'New', metadata: { status: 'final', keep: 1 } } });
    const [after] = await h.dataset.get([id]);
    expect(after!.content).toBe('new words entirely');
    expect(Array.from(after!.embedding!)).not.toEqual(Array.from(before!.embedding!));
  });

  it('drops the stale vector when asked not to re-embed', async () => {
    const id = await add({ content: 'old' });
    await h.call('update_document', { document_id: id, content: 'new', regenerate_embeddings: false });
    expect((await h.dataset.get([id]))[0]!.embedding).toBeNull();
  });

  it('fails NOT_FOUND for an unknown uuid and INVALID_INPUT when nothing would change', async () => {
    expect((await h.call('update_document', { document_id: UNKNOWN, content: 'x' })).structuredContent!.error.code).toBe('NOT_FOUND');
    const id = await add({ content: 'x' });
    expect((await h.call('update_document', { document_id: id })).structuredContent!.error.code).toBe('INVALID_INPUT');
    expect((await h.call('update_document', { document_id: id, metadata_updates: { uuid: UNKNOWN } })).structuredContent!.error.code).toBe('INVALID_INPUT');
  });
});

describe('delete_document', () => {
  it('deletes a document with its chunks, then answers NOT_FOUND', async () => {
    const id = await add({ content: 'alpha beta gamma delta', chunk_size: 6 });
    const other = await add({ content: 'stays' });
    const result = await h.call('delete_document', { document_id: id });
    expect(result.structuredContent).toMatchObject({ document_id: id, deleted: true });
    expect(result.structuredContent!.chunks_deleted).toBeGreaterThan(0);
    expect(await h.dataset.ids()).toEqual([other]);
    expect((await h.call('delete_document', { document_id: id })).structuredContent!.error.code).toBe('NOT_FOUND');
  });
});

describe('dataset_info', () => {
  it('reports counts, collections, the embedder, the schema version and limits', async () => {
    await h.call('batch_add', { documents: documents(3), shared_settings: { collection: 'a' } });
    await add({ content: 'one two three four', chunk_size: 5, collection: 'b' });
    const { structuredContent: info } = await h.call('dataset_info');
    expect(info).toMatchObject({
      documents: 4,
      embedding: { model: 'hash-v1-64', dimensions: 64 },
      embedder: { id: 'hash-v1-64', dimensions: 64, matches_dataset: true },
      schema_version: expect.any(Number),
      read_only: false,
      limits: { max_add_documents: 100_000, max_response_bytes: 1_048_576 },
    });
    expect(info!.records).toBe(info!.documents + info!.chunks);
    expect(info!.collections.map((c: any) => [c.collection, c.documents])).toEqual([
      ['a', 3],
      ['b', 1],
    ]);
  });
});
