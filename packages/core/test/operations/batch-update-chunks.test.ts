// batch_update keeps a chunked document's chunks in step: new content gets new chunks, field and metadata changes reach them.
import { chunkText, type FrameRecord } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchUpdate, CHUNKING_METADATA_KEY, meanVector } from '../../src/index.js';
import { FaultInjectingEmbedder, HookedEmbedder, ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

const SIZE = 40;
const OVERLAP = 8;
const OLD = (i: number): string =>
  `Alpha bravo charlie document${i}. Delta echo foxtrot golf. Hotel india juliet kilo. Lima mike november oscar. Papa quebec romeo sierra.`;
const NEW = 'Quasar nebula pulsar. Comet meteor orbit zenith. Aurora eclipse.';

let t: TestDataset;

beforeEach(async () => {
  t = await openTestDataset();
  // Documents 0-2 chunked (notes), 3 whole (notes), 4 chunked (archive).
  await batchAdd(
    {
      documents: [0, 1, 2, 4].map((i) => ({
        content: OLD(i),
        metadata: { uuid: ID(i), title: `Title ${i}`, collection: i < 4 ? 'notes' : 'archive', tags: ['t'], status: 'draft', author: { name: `a${i}` } },
      })),
      shared_settings: { chunk_size: SIZE, chunk_overlap: OVERLAP },
    },
    t.context(),
  );
  await batchAdd({ documents: [{ content: OLD(3), metadata: { uuid: ID(3), collection: 'notes', status: 'draft' } }] }, t.context());
});

afterEach(async () => {
  await t.close();
});

async function chunksOf(id: string): Promise<FrameRecord[]> {
  return (await t.dataset.get([id], { includeChunks: true })).filter((record) => record.parent_id === id);
}

describe('batch_update: chunks of changed content', () => {
  it('records the chunk settings on each chunk, never on the document', async () => {
    const [document] = await t.dataset.get([ID(0)]);
    expect(document!.metadata).not.toHaveProperty(CHUNKING_METADATA_KEY);
    const chunks = await chunksOf(ID(0));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.metadata).toEqual({ ...document!.metadata, [CHUNKING_METADATA_KEY]: { size: SIZE, overlap: OVERLAP } });
  });

  it('replaces the chunks of changed content: old words are found nowhere, new words in the new chunks', async () => {
    const oldChunks = await chunksOf(ID(0));
    const result = await batchUpdate({ document_ids: [ID(0)], updates: { content_template: NEW } }, t.context());
    const expected = chunkText(NEW, { chunkSize: SIZE, chunkOverlap: OVERLAP }).map((chunk) => chunk.text);
    expect(result).toMatchObject({ documents_matched: 1, documents_updated: 1, chunks_recreated: expected.length, chunks_deleted: oldChunks.length, chunks_updated: 0 });

    const stale = await t.dataset.search({ type: 'text', text: 'foxtrot', filter: `uuid = '${ID(0)}' OR parent_id = '${ID(0)}'` });
    expect(stale).toEqual([]);
    const fresh = await t.dataset.search({ type: 'text', text: 'comet meteor', limit: 100 });
    const chunks = await chunksOf(ID(0));
    expect(fresh.map((hit) => hit.uuid).sort()).toEqual([ID(0), ...chunks.filter((chunk) => /Comet/.test(chunk.content)).map((chunk) => chunk.uuid)].sort());
    // The other documents still hold their own words.
    expect((await t.dataset.search({ type: 'text', text: 'foxtrot', limit: 100 })).some((hit) => hit.uuid === ID(1))).toBe(true);

    expect(chunks.map((chunk) => chunk.content)).toEqual(expected);
    expect(chunks.map((chunk) => chunk.chunk_index)).toEqual(expected.map((_, i) => i));
    expect(chunks.some((chunk) => oldChunks.some((old) => old.uuid === chunk.uuid))).toBe(false);
    expect(chunks.every((chunk) => chunk.record_type === 'chunk' && chunk.title === 'Title 0' && chunk.collection === 'notes')).toBe(true);
    expect(chunks.every((chunk) => (chunk.metadata[CHUNKING_METADATA_KEY] as { size: number }).size === SIZE)).toBe(true);
  });

  it('embeds the new chunks and gives the document their mean vector, as batch_add does', async () => {
    await batchUpdate({ document_ids: [ID(1)], updates: { content_template: NEW } }, t.context());
    const [document] = await t.dataset.get([ID(1)]);
    const chunks = await chunksOf(ID(1));
    const vectors = await t.embedder.embed(chunks.map((chunk) => chunk.content));
    chunks.forEach((chunk, i) => { expect(Array.from(chunk.embedding!)).toEqual(Array.from(vectors[i]!)); });
    expect(Array.from(document!.embedding!)).toEqual(Array.from(meanVector(vectors)));
  });

  it('leaves the new chunks and the document without vectors when regenerate_embeddings is false, without calling the embedder', async () => {
    const embedder = new HookedEmbedder(() => {});
    const result = await batchUpdate({ document_ids: [ID(1)], updates: { content_template: NEW, regenerate_embeddings: false } }, t.context({ embedder }));
    expect(embedder.calls).toBe(0);
    expect(result.embeddings_regenerated).toBe(0);
    const chunks = await chunksOf(ID(1));
    expect(chunks.map((chunk) => chunk.content)).toEqual(chunkText(NEW, { chunkSize: SIZE, chunkOverlap: OVERLAP }).map((chunk) => chunk.text));
    expect(chunks.every((chunk) => chunk.embedding === null)).toBe(true);
    expect((await t.dataset.get([ID(1)]))[0]!.embedding).toBeNull();
  });

  it('rebuilds per document from its own content, and a document without chunks gets none', async () => {
    const result = await batchUpdate({ filter: "collection = 'notes'", updates: { content_template: '{{content}} Extra zebracorn sentence here.' } }, t.context());
    expect(result.documents_matched).toBe(4);
    for (const i of [0, 1, 2]) {
      const [document] = await t.dataset.get([ID(i)]);
      const chunks = await chunksOf(ID(i));
      expect(chunks.map((chunk) => chunk.content)).toEqual(chunkText(document!.content, { chunkSize: SIZE, chunkOverlap: OVERLAP }).map((chunk) => chunk.text));
    }
    expect(await chunksOf(ID(3))).toEqual([]);
    expect((await t.dataset.get([ID(3)]))[0]!.content).toBe(`${OLD(3)} Extra zebracorn sentence here.`);
    // Not selected: content and chunks as they were.
    expect((await t.dataset.get([ID(4)]))[0]!.content).toBe(OLD(4));
  });

  it('removes every chunk when the new content is blank, and the document keeps no vector', async () => {
    const before = (await chunksOf(ID(2))).length;
    const result = await batchUpdate({ document_ids: [ID(2)], updates: { content_template: '   ' } }, t.context());
    expect(result).toMatchObject({ chunks_deleted: before, chunks_recreated: 0 });
    expect(await chunksOf(ID(2))).toEqual([]);
    expect((await t.dataset.get([ID(2)]))[0]!.embedding).toBeNull();
  });

  it('rebuilds chunks written without recorded settings with the longest old chunk as size, overlap 0', async () => {
    const legacy = ID(60);
    const pieces = ['Old legacy words here.', 'More legacy words follow here.', 'Short end.'];
    await t.dataset.add([
      { uuid: legacy, content: pieces.join(' '), collection: 'legacy', metadata: { kept: true } },
      ...pieces.map((text, i) => ({ content: text, record_type: 'chunk', parent_id: legacy, chunk_index: i, collection: 'legacy', metadata: { kept: true } })),
    ]);
    const longest = Math.max(...pieces.map((piece) => piece.length));
    const content = 'Brand new legacy content arrives. It is cut with the inferred size. Nothing overlaps at all here.';
    const result = await batchUpdate({ document_ids: [legacy], updates: { content_template: content } }, t.context());
    const expected = chunkText(content, { chunkSize: longest, chunkOverlap: 0 }).map((chunk) => chunk.text);
    expect(result).toMatchObject({ chunks_deleted: 3, chunks_recreated: expected.length });
    const chunks = await chunksOf(legacy);
    expect(chunks.map((chunk) => chunk.content)).toEqual(expected);
    expect(chunks.map((chunk) => chunk.chunk_index)).toEqual(expected.map((_, i) => i));
    // The inferred settings are recorded now, so the next change cuts the same way.
    for (const chunk of chunks) expect(chunk.metadata).toEqual({ kept: true, [CHUNKING_METADATA_KEY]: { size: longest, overlap: 0 } });
    expect(chunks.every((chunk) => chunk.embedding !== null)).toBe(true);
  });

  it('re-embeds a chunked document\'s chunks when regenerate_embeddings: true is the only update', async () => {
    await batchAdd({ documents: [{ content: OLD(70), metadata: { uuid: ID(70) } }], shared_settings: { chunk_size: SIZE, generate_embeddings: false } }, t.context());
    const before = await chunksOf(ID(70));
    expect(before.every((chunk) => chunk.embedding === null)).toBe(true);
    const result = await batchUpdate({ document_ids: [ID(70)], updates: { regenerate_embeddings: true } }, t.context());
    expect(result).toMatchObject({ embeddings_regenerated: 1, chunks_updated: before.length, chunks_recreated: 0 });
    const chunks = await chunksOf(ID(70));
    expect(chunks.map((chunk) => chunk.uuid)).toEqual(before.map((chunk) => chunk.uuid));
    const vectors = await t.embedder.embed(chunks.map((chunk) => chunk.content));
    chunks.forEach((chunk, i) => { expect(Array.from(chunk.embedding!)).toEqual(Array.from(vectors[i]!)); });
    expect(Array.from((await t.dataset.get([ID(70)]))[0]!.embedding!)).toEqual(Array.from(meanVector(vectors)));
  });
});

describe('batch_update: chunks follow field and metadata changes', () => {
  it('applies collection, title, tags and metadata changes to the chunks, in place', async () => {
    const before = await chunksOf(ID(0));
    const result = await batchUpdate(
      { document_ids: [ID(0)], updates: { metadata_updates: { collection: 'moved', title: 'Renamed', tags: ['checked'], status: 'reviewed', author: { team: 'core' } } } },
      t.context(),
    );
    expect(result).toMatchObject({ documents_updated: 1, chunks_updated: before.length, chunks_recreated: 0, chunks_deleted: 0, embeddings_regenerated: 0 });
    const ids = [ID(0), ...before.map((chunk) => chunk.uuid)].sort();
    expect(await t.dataset.ids("collection = 'moved'")).toEqual(ids);
    expect(await t.dataset.ids("status = 'reviewed'")).toEqual(ids);
    expect(await t.dataset.ids("tags CONTAINS 'checked'")).toEqual(ids);
    expect(await t.dataset.ids("metadata.author.team = 'core' AND metadata.author.name = 'a0'")).toEqual(ids);
    const after = await chunksOf(ID(0));
    after.forEach((chunk, i) => {
      expect(chunk).toMatchObject({ uuid: before[i]!.uuid, title: 'Renamed', content: before[i]!.content, chunk_index: i });
      expect(Array.from(chunk.embedding!)).toEqual(Array.from(before[i]!.embedding!));
      expect(chunk.metadata[CHUNKING_METADATA_KEY]).toEqual({ size: SIZE, overlap: OVERLAP });
    });
    // The other documents' chunks keep their values.
    expect(await t.dataset.count("status = 'draft' AND record_type = 'chunk'")).toBe((await t.dataset.count("record_type = 'chunk'")) - before.length);
  });

  it('finds exactly the updated documents and their chunks by a filter on the new metadata', async () => {
    await batchUpdate({ filter: "collection = 'notes'", updates: { metadata_updates: { batch: 7 } } }, t.context());
    const expected = (await t.dataset.ids("collection = 'notes'")).sort();
    expect(await t.dataset.ids('batch = 7')).toEqual(expected);
    expect(expected).toContain(ID(3));
    expect((await chunksOf(ID(4))).every((chunk) => !('batch' in chunk.metadata))).toBe(true);
  });

  it('never lets metadata_updates change a chunk\'s recorded settings', async () => {
    await batchUpdate({ document_ids: [ID(0)], updates: { metadata_updates: { [CHUNKING_METADATA_KEY]: null, note: 'x' } } }, t.context());
    for (const chunk of await chunksOf(ID(0))) {
      expect(chunk.metadata).toMatchObject({ note: 'x', [CHUNKING_METADATA_KEY]: { size: SIZE, overlap: OVERLAP } });
    }
  });

  it('makes new chunks with the new fields when content and metadata change together', async () => {
    await batchUpdate({ document_ids: [ID(4)], updates: { content_template: NEW, metadata_updates: { collection: 'fresh', status: 'final' } } }, t.context());
    const chunks = await chunksOf(ID(4));
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.every((chunk) => chunk.collection === 'fresh' && chunk.metadata.status === 'final' && chunk.title === 'Title 4')).toBe(true);
    expect(await t.dataset.count("collection = 'archive'")).toBe(0);
  });
});

describe('batch_update: selecting chunks', () => {
  it('counts only documents against max_documents and in the result; their matching chunks follow', async () => {
    const chunkCount = await t.dataset.count("collection = 'notes' AND parent_id IS NOT NULL");
    expect(chunkCount).toBeGreaterThan(4);
    const result = await batchUpdate({ filter: "collection = 'notes'", updates: { metadata_updates: { s: 1 } }, max_documents: 4 }, t.context());
    expect(result).toMatchObject({ documents_matched: 4, documents_updated: 4, chunks_updated: chunkCount });
    const error = await rejection(batchUpdate({ filter: "collection = 'notes'", updates: { metadata_updates: { s: 2 } }, max_documents: 3 }, t.context()));
    expect(error.code).toBe('MAX_DOCUMENTS_EXCEEDED');
    expect(error.data).toMatchObject({ matched: 4, max_documents: 3 });
  });

  it('refuses a filter that selects chunks without their documents, changing nothing', async () => {
    const before = await snapshot(t.dataset);
    const error = await rejection(batchUpdate({ filter: "record_type = 'chunk' AND chunk_index = 0", updates: { metadata_updates: { s: 1 } } }, t.context()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/is a chunk of document .* which is not selected/);
    expect(error.message).toContain('parent_id IS NULL');
    expect((error.data as { documents: string[] }).documents.sort()).toEqual([ID(0), ID(1), ID(2), ID(4)]);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('refuses a chunk listed in document_ids without its document, and names the document', async () => {
    const [chunk] = await chunksOf(ID(1));
    const error = await rejection(batchUpdate({ document_ids: [chunk!.uuid, ID(3)], updates: { metadata_updates: { s: 1 } } }, t.context()));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(ID(1));
    expect((await t.dataset.get([ID(3)]))[0]!.metadata).not.toHaveProperty('s');
  });

  it('lets a chunk listed with its document follow it, counted once', async () => {
    const [chunk] = await chunksOf(ID(1));
    const result = await batchUpdate({ document_ids: [chunk!.uuid, ID(1)], updates: { metadata_updates: { s: 1 } } }, t.context());
    expect(result).toMatchObject({ documents_matched: 1, documents_updated: 1, not_found: [] });
    expect((await chunksOf(ID(1))).every((record) => record.metadata.s === 1)).toBe(true);
  });

  it('updates a chunk whose document is gone as a record of its own', async () => {
    const orphan = ID(80);
    await t.dataset.add([{ uuid: orphan, content: 'orphan text', record_type: 'chunk', parent_id: ID(81), chunk_index: 0, collection: 'lost' }]);
    const result = await batchUpdate({ filter: "collection = 'lost'", updates: { metadata_updates: { found: true }, content_template: 'orphan {{content}}' } }, t.context());
    expect(result).toMatchObject({ documents_matched: 1, documents_updated: 1, chunks_recreated: 0 });
    expect((await t.dataset.get([orphan]))[0]).toMatchObject({ content: 'orphan orphan text', metadata: { found: true }, parent_id: ID(81) });
  });

  it('reports a bad filter as the caller wrote it', async () => {
    const error = await rejection(batchUpdate({ filter: 'status = = 1', updates: { metadata_updates: { a: 1 } } }, t.context()));
    expect(error.code).toBe('FILTER_SYNTAX');
    expect(error.message).not.toContain('parent_id');
  });
});

describe('batch_update: failures leave chunks alone', () => {
  it('non-atomic: a document whose new chunk fails to embed keeps its content and its chunks; the others change', async () => {
    // Document 1's new content will hold the word the fault injector rejects.
    const [original] = await t.dataset.get([ID(1)]);
    await t.dataset.update([{ uuid: ID(1), patch: { metadata: { ...original!.metadata, word: 'poison' } } }]);
    const [kept] = await t.dataset.get([ID(1)]);
    const keptChunks = await chunksOf(ID(1));
    const embedder = new FaultInjectingEmbedder('poison');
    const result = await batchUpdate(
      { document_ids: [ID(0), ID(1)], updates: { content_template: 'Fresh {{metadata.word}} words. Another sentence for the chunks.' }, atomic: false },
      t.context({ embedder }),
    );
    expect(result).toMatchObject({ success: false, documents_matched: 2, documents_updated: 1, documents_failed: 1 });
    expect(result.errors).toEqual([expect.objectContaining({ uuid: ID(1), code: 'EMBEDDER_FAILED', item_index: 1 })]);
    expect((await t.dataset.get([ID(1)]))[0]).toEqual(kept);
    expect(await chunksOf(ID(1))).toEqual(keptChunks);
    expect((await chunksOf(ID(0))).map((chunk) => chunk.content)).toEqual(
      chunkText('Fresh  words. Another sentence for the chunks.', { chunkSize: SIZE, chunkOverlap: OVERLAP }).map((chunk) => chunk.text),
    );
  });

  it('atomic: a chunk that fails to embed rolls back every document and chunk', async () => {
    const before = await snapshot(t.dataset);
    const embedder = new FaultInjectingEmbedder('document2');
    const error = await rejection(batchUpdate({ filter: "collection = 'notes'", updates: { content_template: '{{content}} Appended line.' } }, t.context({ embedder })));
    expect(error.code).toBe('TX_ROLLED_BACK');
    expect(error.data).toMatchObject({ code: 'EMBEDDER_FAILED', errors: [expect.objectContaining({ uuid: ID(2) })] });
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('fails with TX_CONFLICT, changing nothing, when a chunk changes between preparing and writing', async () => {
    const [chunk] = await chunksOf(ID(0));
    const embedder = new HookedEmbedder(async () => {
      await t.dataset.update([{ uuid: chunk!.uuid, patch: { title: 'edited meanwhile' } }]);
    });
    const before = await chunksOf(ID(0));
    const error = await rejection(batchUpdate({ document_ids: [ID(0)], updates: { content_template: NEW } }, t.context({ embedder })));
    expect(error.code).toBe('TX_CONFLICT');
    expect(error.retryable).toBe(true);
    expect((await t.dataset.get([ID(0)]))[0]!.content).toBe(OLD(0));
    const after = await chunksOf(ID(0));
    expect(after.map((record) => record.uuid)).toEqual(before.map((record) => record.uuid));
    expect(after[0]!.title).toBe('edited meanwhile');
  });

  it('fails with TX_CONFLICT when a chunk is added to a document meanwhile', async () => {
    const embedder = new HookedEmbedder(async () => {
      await t.dataset.add([{ content: 'sneaked in', record_type: 'chunk', parent_id: ID(0), chunk_index: 99 }]);
    });
    const error = await rejection(batchUpdate({ document_ids: [ID(0)], updates: { content_template: NEW } }, t.context({ embedder })));
    expect(error.code).toBe('TX_CONFLICT');
    expect((await t.dataset.get([ID(0)]))[0]!.content).toBe(OLD(0));
  });

  it('is cancelled without a change when the signal fires while chunks are embedded', async () => {
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const embedder = new HookedEmbedder(() => controller.abort());
    const error = await rejection(batchUpdate({ filter: "collection = 'notes'", updates: { content_template: NEW } }, t.context({ embedder, signal: controller.signal })));
    expect(error.code).toBe('CANCELLED');
    expect(await snapshot(t.dataset)).toEqual(before);
  });
});
