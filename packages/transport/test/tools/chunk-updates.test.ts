// batch_update and update_document (core's one update path) keep a chunked document's chunks in step, seen through MCP.
import { chunkText, DatasetError, type EmbedOptions, type Embedder, type FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, type HarnessOptions, openHarness } from '../fixtures.js';

const OLD = 'Alpha bravo charlie delta. Echo foxtrot golf hotel. India juliet kilo lima. Mike november oscar papa.';
const NEW = 'Quasar nebula pulsar. Comet meteor orbit zenith. Aurora eclipse.';
const SIZE = 30;

/** Fault injection: a hash embedder whose provider rejects any text containing "poison" (EMBEDDER_FAILED). */
class PoisonEmbedder implements Embedder {
  readonly #inner = new HashEmbedder({ dimensions: 64 });
  readonly id = this.#inner.id;
  readonly dimensions = this.#inner.dimensions;

  async embed(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    if (texts.some((text) => text.includes('poison'))) throw new DatasetError('EMBEDDER_FAILED', 'injected fault: the provider rejected a text');
    return this.#inner.embed(texts, options);
  }
}

let h: Harness;
afterEach(() => h.close());

async function open(options: HarnessOptions = {}): Promise<void> {
  h = await openHarness(options);
}

async function addChunked(content: string, metadata: Record<string, unknown> = {}): Promise<string> {
  const result = await h.call('add_document', { content, metadata, collection: 'notes', chunk_size: SIZE });
  expect(result.isError).toBeFalsy();
  return result.structuredContent!.document_id as string;
}

async function chunksOf(id: string) {
  return (await h.dataset.get([id], { includeChunks: true })).filter((record) => record.parent_id === id);
}

describe('update_document on a chunked document', () => {
  it('gives new content new chunks: old words are found nowhere, new words in the new chunks', async () => {
    await open();
    const id = await addChunked(OLD);
    const oldChunks = await chunksOf(id);
    const result = await h.call('update_document', { document_id: id, content: NEW });
    expect(result.structuredContent).toMatchObject({ embedding_regenerated: true, document: { uuid: id } });

    const stale = await h.call('search_documents', { query: 'foxtrot', search_type: 'text' });
    expect(stale.structuredContent!.results).toEqual([]);
    const fresh = await h.call('search_documents', { query: 'comet meteor', search_type: 'text' });
    const chunks = await chunksOf(id);
    const hits = (fresh.structuredContent!.results as { uuid: string }[]).map((hit) => hit.uuid).sort();
    expect(hits).toEqual([id, ...chunks.filter((chunk) => chunk.content.includes('Comet')).map((chunk) => chunk.uuid)].sort());

    expect(chunks.map((chunk) => chunk.content)).toEqual(chunkText(NEW, { chunkSize: SIZE }).map((chunk) => chunk.text));
    expect(chunks.map((chunk) => chunk.chunk_index)).toEqual(chunks.map((_, i) => i));
    expect(chunks.every((chunk) => chunk.embedding !== null && !oldChunks.some((old) => old.uuid === chunk.uuid))).toBe(true);
  });

  it('leaves new chunks without vectors when regenerate_embeddings is false', async () => {
    await open();
    const id = await addChunked(OLD);
    const result = await h.call('update_document', { document_id: id, content: NEW, regenerate_embeddings: false });
    expect(result.structuredContent).toMatchObject({ embedding_regenerated: false });
    const chunks = await chunksOf(id);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((chunk) => chunk.embedding === null)).toBe(true);
    expect((await h.dataset.get([id]))[0]!.embedding).toBeNull();
  });

  it('carries metadata and field changes to the chunks, so a filter finds the document and exactly its chunks', async () => {
    await open();
    const id = await addChunked(OLD, { status: 'draft' });
    const other = await addChunked(NEW, { status: 'draft' });
    const before = await chunksOf(id);
    const result = await h.call('update_document', { document_id: id, metadata_updates: { status: 'reviewed', collection: 'moved', tags: ['checked'] } });
    expect(result.structuredContent).toMatchObject({ embedding_regenerated: false, document: { collection: 'moved', tags: ['checked'], metadata: { status: 'reviewed' } } });
    const listed = await h.call('list_documents', { filter: "status = 'reviewed' AND collection = 'moved' AND tags CONTAINS 'checked'", include_chunks: true, limit: 100 });
    const uuids = (listed.structuredContent!.documents as { uuid: string }[]).map((record) => record.uuid).sort();
    expect(uuids).toEqual([id, ...before.map((chunk) => chunk.uuid)].sort());
    // Chunk contents and the other document are untouched.
    expect((await chunksOf(id)).map((chunk) => chunk.content)).toEqual(before.map((chunk) => chunk.content));
    expect((await chunksOf(other)).every((chunk) => chunk.metadata.status === 'draft' && chunk.collection === 'notes')).toBe(true);
  });

  it("fails a chunk's own uuid with INVALID_INPUT naming its document, and changes nothing", async () => {
    await open();
    const id = await addChunked(OLD);
    const [chunk] = await chunksOf(id);
    const result = await h.call('update_document', { document_id: chunk!.uuid, metadata_updates: { status: 'x' } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('INVALID_INPUT');
    expect(result.structuredContent!.error.message).toContain(id);
    expect((await h.dataset.get([chunk!.uuid]))[0]).toEqual(chunk);
  });

  it("fails with the embedder's own code (not TX_ROLLED_BACK) when a new chunk fails to embed (injected fault), keeping the old chunks", async () => {
    await open({ embedder: new PoisonEmbedder() });
    const id = await addChunked(OLD);
    const [document] = await h.dataset.get([id]);
    const chunks = await chunksOf(id);
    const result = await h.call('update_document', { document_id: id, content: `${NEW} Then a poison pill.` });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('EMBEDDER_FAILED');
    expect((await h.dataset.get([id]))[0]).toEqual(document);
    expect(await chunksOf(id)).toEqual(chunks);
  });

  it('fails with TX_CONFLICT (retryable) when a chunk changes while the update is prepared (injected), changing nothing', async () => {
    let meddle: (() => Promise<void>) | undefined;
    await open({
      wrapDataset: (dataset: FrameDataset) =>
        new Proxy(dataset, {
          get: (target, key) => {
            const value: unknown = Reflect.get(target, key, target);
            if (key !== 'transaction' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
            // Someone else writes just before this call's write transaction opens.
            return async (...args: unknown[]) => {
              const hook = meddle;
              meddle = undefined;
              await hook?.();
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }),
    });
    const id = await addChunked(OLD);
    const [chunk] = await chunksOf(id);
    meddle = async () => void (await h.dataset.update([{ uuid: chunk!.uuid, patch: { title: 'edited meanwhile' } }]));
    const result = await h.call('update_document', { document_id: id, content: NEW });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error).toMatchObject({ code: 'TX_CONFLICT', retryable: true });
    expect((await h.dataset.get([id]))[0]!.content).toBe(OLD);
    expect((await chunksOf(id)).map((record) => record.uuid)).toContain(chunk!.uuid);
  });

  it('still fails NOT_FOUND for an unknown uuid', async () => {
    await open();
    const result = await h.call('update_document', { document_id: '00000000-0000-4000-8000-000000000000', content: 'x' });
    expect(result.structuredContent!.error.code).toBe('NOT_FOUND');
  });
});

describe('batch_update on chunked documents', () => {
  it('reports the chunks it changed, rebuilt and removed, and counts only documents', async () => {
    await open();
    const first = await addChunked(OLD);
    const second = await addChunked(OLD);
    const [oldFirst, oldSecond] = [await chunksOf(first), await chunksOf(second)];
    const retitled = await h.call('batch_update', { filter: "collection = 'notes'", updates: { metadata_updates: { title: 'T' } }, max_documents: 2 });
    expect(retitled.isError).toBeFalsy();
    expect(retitled.structuredContent).toMatchObject({
      documents_matched: 2,
      documents_updated: 2,
      chunks_updated: oldFirst.length + oldSecond.length,
      chunks_recreated: 0,
      chunks_deleted: 0,
    });
    const rewritten = await h.call('batch_update', { document_ids: [first], updates: { content_template: NEW } });
    expect(rewritten.structuredContent).toMatchObject({
      documents_updated: 1,
      embeddings_regenerated: 1,
      chunks_recreated: chunkText(NEW, { chunkSize: SIZE }).length,
      chunks_deleted: oldFirst.length,
      chunks_updated: 0,
    });
    expect((await chunksOf(first)).every((chunk) => chunk.title === 'T')).toBe(true);
    expect((await chunksOf(second)).map((chunk) => chunk.content)).toEqual(oldSecond.map((chunk) => chunk.content));
  });

  it('refuses a filter that selects chunks without their documents, with INVALID_INPUT', async () => {
    await open();
    await addChunked(OLD);
    const result = await h.call('batch_update', { filter: "record_type = 'chunk'", updates: { metadata_updates: { s: 1 } } });
    expect(result.isError).toBe(true);
    expect(result.structuredContent!.error.code).toBe('INVALID_INPUT');
    expect(await h.dataset.count('s = 1')).toBe(0);
  });
});
