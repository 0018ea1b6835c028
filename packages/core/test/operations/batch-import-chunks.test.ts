// batch_import with on_conflict 'replace': a replaced document's stale chunks go; the file's chunks, or new ones, take their place.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkText, type FrameRecord } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchExport, batchImport, batchUpdate, CHUNKING_METADATA_KEY, meanVector } from '../../src/index.js';
import { HookedEmbedder, ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

const SIZE = 40;
const OVERLAP = 8;
const OLD = (i: number): string =>
  `Alpha bravo charlie document${i}. Delta echo foxtrot golf. Hotel india juliet kilo. Lima mike november oscar. Papa quebec romeo sierra.`;
const NEW = 'Quasar nebula pulsar. Comet meteor orbit zenith. Aurora eclipse.';
const NEW_SETTINGS = { size: 30, overlap: 5 };

let t: TestDataset;
let root: string;

beforeEach(async () => {
  t = await openTestDataset();
  root = mkdtempSync(join(tmpdir(), 'cf-import-chunks-'));
  // Documents 0 and 1 chunked, 2 whole.
  await batchAdd(
    {
      documents: [0, 1].map((i) => ({ content: OLD(i), metadata: { uuid: ID(i), title: `Title ${i}`, collection: 'notes', status: 'draft' } })),
      shared_settings: { chunk_size: SIZE, chunk_overlap: OVERLAP },
    },
    t.context(),
  );
  await batchAdd({ documents: [{ content: OLD(2), metadata: { uuid: ID(2), collection: 'notes' } }] }, t.context());
});

afterEach(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

async function chunksOf(id: string, dataset = t.dataset): Promise<FrameRecord[]> {
  return (await dataset.get([id], { includeChunks: true })).filter((record) => record.parent_id === id);
}

/** A document and its chunks, vectors included: what must not change. */
async function familyOf(id: string): Promise<FrameRecord[]> {
  return t.dataset.get([id], { includeChunks: true, includeEmbedding: true });
}

function jsonl(name: string, rows: readonly unknown[]): string {
  const path = join(root, name);
  writeFileSync(path, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
  return path;
}

function texts(content: string, settings: { size: number; overlap: number }): string[] {
  return chunkText(content, { chunkSize: settings.size, chunkOverlap: settings.overlap }).map((chunk) => chunk.text);
}

/** Document 0 with new content, a new title and chunk settings in its metadata. */
const REPLACEMENT = {
  uuid: ID(0),
  content: NEW,
  title: 'Renamed',
  collection: 'notes',
  metadata: { status: 'final', [CHUNKING_METADATA_KEY]: NEW_SETTINGS },
  updated_at: '2030-01-02T03:04:05.000Z',
};

describe("batch_import on_conflict 'replace': chunks of replaced documents", () => {
  it('rebuilds a chunked document\'s chunks from its new content with the settings in its new metadata, and drops the old ones', async () => {
    const oldChunks = await chunksOf(ID(0));
    const untouched = await familyOf(ID(1));
    const result = await batchImport({ source_path: jsonl('replace.jsonl', [REPLACEMENT]), on_conflict: 'replace' }, t.context({ allowedRoots: [root] }));
    const expected = texts(NEW, NEW_SETTINGS);
    expect(expected.length).toBeGreaterThan(1);
    expect(result).toMatchObject({
      success: true,
      documents_imported: 1,
      chunks_deleted: oldChunks.length,
      chunks_rebuilt: expected.length,
      embeddings_generated: 1 + expected.length,
    });

    expect(await t.dataset.existing(oldChunks.map((chunk) => chunk.uuid))).toEqual(new Set());
    const chunks = await chunksOf(ID(0));
    expect(chunks.map((chunk) => chunk.content)).toEqual(expected);
    expect(chunks.map((chunk) => chunk.chunk_index)).toEqual(expected.map((_, i) => i));
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({ record_type: 'chunk', parent_id: ID(0), title: 'Renamed', collection: 'notes' });
      expect(chunk.metadata).toEqual({ status: 'final', [CHUNKING_METADATA_KEY]: NEW_SETTINGS });
    }
    // Embedded with the import's embedder; the document's own vector is their mean, as batch_add and batch_update make it.
    const vectors = await t.embedder.embed(expected);
    const [document] = await t.dataset.get([ID(0)]);
    chunks.forEach((chunk, i) => {
      expect(Array.from(chunk.embedding!)).toEqual(Array.from(vectors[i]!));
    });
    expect(Array.from(document!.embedding!)).toEqual(Array.from(meanVector(vectors)));
    expect(document).toMatchObject({ content: NEW, title: 'Renamed', updated_at: REPLACEMENT.updated_at });

    // Text search finds the new words in the new chunks and the old words nowhere in document 0's family.
    const family = `uuid = '${ID(0)}' OR parent_id = '${ID(0)}'`;
    expect(await t.dataset.search({ type: 'text', text: 'foxtrot', filter: family })).toEqual([]);
    const fresh = await t.dataset.search({ type: 'text', text: 'comet meteor', limit: 100 });
    expect(fresh.map((hit) => hit.uuid).sort()).toEqual([ID(0), ...chunks.filter((chunk) => /Comet|meteor/.test(chunk.content)).map((chunk) => chunk.uuid)].sort());
    // Document 1 and its chunks are as they were, and still found by the old words.
    expect(await familyOf(ID(1))).toEqual(untouched);
    expect((await t.dataset.search({ type: 'text', text: 'foxtrot', limit: 100 })).some((hit) => hit.uuid === ID(1))).toBe(true);
  });

  it('rebuilds without vectors and without calling the embedder when generate_embeddings is false', async () => {
    const embedder = new HookedEmbedder(() => {});
    const result = await batchImport(
      { source_path: jsonl('no-vectors.jsonl', [REPLACEMENT]), on_conflict: 'replace', generate_embeddings: false },
      { ...t.context({ allowedRoots: [root] }), embedder },
    );
    expect(embedder.calls).toBe(0);
    expect(result).toMatchObject({ embeddings_generated: 0, chunks_rebuilt: texts(NEW, NEW_SETTINGS).length });
    const chunks = await chunksOf(ID(0));
    expect(chunks.map((chunk) => chunk.content)).toEqual(texts(NEW, NEW_SETTINGS));
    expect(chunks.every((chunk) => chunk.embedding === null)).toBe(true);
    expect((await t.dataset.get([ID(0)]))[0]!.embedding).toBeNull();
  });

  it('keeps a vector the file gives the document instead of the mean of its chunks', async () => {
    const given = Array.from({ length: 64 }, (_, i) => (i === 3 ? 1 : 0));
    await batchImport({ source_path: jsonl('vector.jsonl', [{ ...REPLACEMENT, embedding: given }]), on_conflict: 'replace' }, t.context({ allowedRoots: [root] }));
    expect(Array.from((await t.dataset.get([ID(0)]))[0]!.embedding!)).toEqual(given);
    const chunks = await chunksOf(ID(0));
    expect(chunks.map((chunk) => chunk.content)).toEqual(texts(NEW, NEW_SETTINGS));
    expect(chunks.every((chunk) => chunk.embedding !== null)).toBe(true);
  });

  it('gives a document exactly the chunks a batch_export of an edited copy carries', async () => {
    // Another dataset holds the same document, edited there with batch_update (new content, so new chunks).
    const copy = await openTestDataset();
    try {
      await batchAdd(
        {
          documents: [{ content: OLD(0), metadata: { uuid: ID(0), title: 'Title 0', collection: 'notes', status: 'draft' } }],
          shared_settings: { chunk_size: SIZE, chunk_overlap: OVERLAP },
        },
        copy.context(),
      );
      await batchUpdate({ document_ids: [ID(0)], updates: { content_template: NEW, metadata_updates: { status: 'edited' } } }, copy.context());
      const edited = await chunksOf(ID(0), copy.dataset);
      const exported = await batchExport(
        { filter: `uuid = '${ID(0)}' OR parent_id = '${ID(0)}'`, format: 'jsonl', output_path: join(root, 'edited.jsonl'), include_embeddings: true },
        copy.context({ allowedRoots: [root] }),
      );
      expect(exported.documents_exported).toBe(1 + edited.length);

      const oldChunks = await chunksOf(ID(0));
      const untouched = await familyOf(ID(1));
      const result = await batchImport({ source_path: exported.files[0]!.path, on_conflict: 'replace' }, t.context({ allowedRoots: [root] }));
      expect(result).toMatchObject({ success: true, documents_imported: 1 + edited.length, chunks_deleted: oldChunks.length, chunks_rebuilt: 0 });
      const chunks = await chunksOf(ID(0));
      expect(chunks).toEqual(edited);
      expect(await t.dataset.get([ID(0)], { includeChunks: true, includeEmbedding: true })).toEqual(
        await copy.dataset.get([ID(0)], { includeChunks: true, includeEmbedding: true }),
      );
      expect(await t.dataset.existing(oldChunks.map((chunk) => chunk.uuid))).toEqual(new Set());
      expect(await familyOf(ID(1))).toEqual(untouched);
    } finally {
      await copy.close();
    }
  });

  it('keeps the old chunks the file carries by uuid, even with settings in the metadata, and removes the rest', async () => {
    const oldChunks = await chunksOf(ID(0));
    const [first, second] = oldChunks;
    const rows = [
      REPLACEMENT,
      { ...first, embedding: undefined, content: 'first piece, rewritten', content_hash: undefined, created_at: undefined, updated_at: undefined },
      { ...second, embedding: undefined, created_at: undefined, updated_at: undefined },
    ];
    const result = await batchImport({ source_path: jsonl('carried.jsonl', rows), on_conflict: 'replace' }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 3, chunks_deleted: oldChunks.length - 2, chunks_rebuilt: 0 });
    expect((await chunksOf(ID(0))).map((chunk) => [chunk.uuid, chunk.content])).toEqual([
      [first!.uuid, 'first piece, rewritten'],
      [second!.uuid, second!.content],
    ]);
  });

  it('finds chunk rows that come before their document, in an earlier step of the file', async () => {
    const oldChunks = await chunksOf(ID(0));
    const pieces = ['Comet piece one.', 'Meteor piece two.'];
    const chunkRows = pieces.map((content, i) => ({ uuid: ID(500 + i), content, record_type: 'chunk', parent_id: ID(0), chunk_index: i }));
    // 1,500 unrelated rows between them put the chunks and their document in different steps of 1,000 rows.
    const filler = Array.from({ length: 1500 }, (_, i) => ({ uuid: ID(10_000 + i), content: `filler ${i}` }));
    const path = jsonl('late-document.jsonl', [...chunkRows, ...filler, REPLACEMENT]);
    const result = await batchImport({ source_path: path, on_conflict: 'replace', generate_embeddings: false }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 1503, chunks_deleted: oldChunks.length, chunks_rebuilt: 0 });
    expect((await chunksOf(ID(0))).map((chunk) => [chunk.uuid, chunk.content, chunk.chunk_index])).toEqual([
      [ID(500), pieces[0], 0],
      [ID(501), pieces[1], 1],
    ]);
    expect(await t.dataset.existing(oldChunks.map((chunk) => chunk.uuid))).toEqual(new Set());
  });

  it("cuts a chunked document's new content with its stored chunks' settings when its row names none and brings no chunks", async () => {
    const oldChunks = await chunksOf(ID(0));
    const result = await batchImport(
      { source_path: jsonl('plain.jsonl', [{ uuid: ID(0), content: NEW, metadata: { status: 'plain' } }]), on_conflict: 'replace' },
      t.context({ allowedRoots: [root] }),
    );
    const expected = texts(NEW, { size: SIZE, overlap: OVERLAP });
    expect(result).toMatchObject({ documents_imported: 1, chunks_deleted: oldChunks.length, chunks_rebuilt: expected.length });
    const chunks = (await chunksOf(ID(0))).sort((a, b) => a.chunk_index! - b.chunk_index!);
    expect(chunks.map((chunk) => chunk.content)).toEqual(expected);
    expect(chunks.map((chunk) => chunk.chunk_index)).toEqual(expected.map((_, i) => i));
    expect(chunks.every((chunk) => chunk.metadata[CHUNKING_METADATA_KEY] !== undefined)).toBe(true);
    expect(chunks[0]!.metadata).toEqual({ status: 'plain', [CHUNKING_METADATA_KEY]: { size: SIZE, overlap: OVERLAP } });
    expect(oldChunks.some((old) => chunks.some((chunk) => chunk.uuid === old.uuid))).toBe(false);
    // Document 1's chunks are untouched.
    expect(await t.dataset.count('parent_id IS NOT NULL')).toBe(expected.length + (await chunksOf(ID(1))).length);
  });

  it("removes the chunks, and makes none, of a chunked document whose row turns it into a chunk of another", async () => {
    const oldChunks = await chunksOf(ID(0));
    const result = await batchImport(
      {
        source_path: jsonl('demoted.jsonl', [{ uuid: ID(0), content: NEW, record_type: 'chunk', parent_id: ID(2), chunk_index: 0 }]),
        on_conflict: 'replace',
      },
      t.context({ allowedRoots: [root] }),
    );
    expect(result).toMatchObject({ documents_imported: 1, chunks_deleted: oldChunks.length, chunks_rebuilt: 0 });
    expect(await chunksOf(ID(0))).toEqual([]);
  });

  it('replaces a document without chunks as before: no chunks removed or made, nothing else changed', async () => {
    const before = await snapshot(t.dataset);
    const result = await batchImport(
      { source_path: jsonl('whole.jsonl', [{ uuid: ID(2), content: 'whole document, replaced', metadata: { v: 2 } }]), on_conflict: 'replace' },
      t.context({ allowedRoots: [root] }),
    );
    expect(result).toMatchObject({ success: true, documents_imported: 1, chunks_deleted: 0, chunks_rebuilt: 0, embeddings_generated: 1 });
    const after = await snapshot(t.dataset);
    expect(after.records.filter((record) => record.uuid !== ID(2))).toEqual(before.records.filter((record) => record.uuid !== ID(2)));
    expect((await t.dataset.get([ID(2)]))[0]).toMatchObject({ content: 'whole document, replaced', metadata: { v: 2 } });
    expect(await chunksOf(ID(2))).toEqual([]);
  });

  it.each(['skip', 'error'] as const)("leaves the stored document and its chunks untouched with on_conflict '%s'", async (onConflict) => {
    const before = await snapshot(t.dataset);
    const result = await batchImport({ source_path: jsonl(`${onConflict}.jsonl`, [REPLACEMENT]), on_conflict: onConflict }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 0, documents_failed: onConflict === 'error' ? 1 : 0, chunks_deleted: 0, chunks_rebuilt: 0 });
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('keeps the old chunks when a replacing import fails with TOO_MANY_ERRORS after the document was written', async () => {
    const before = await snapshot(t.dataset);
    const filler = Array.from({ length: 1200 }, (_, i) => ({ uuid: ID(20_000 + i), content: `filler ${i}` }));
    const path = jsonl('fails.jsonl', [REPLACEMENT, ...filler, { content: 'bad', parent_id: 'x' }, { content: 'bad too', chunk_index: -1 }]);
    const error = await rejection(batchImport({ source_path: path, on_conflict: 'replace', validation: { max_errors: 1 } }, t.context({ allowedRoots: [root] })));
    expect(error.code).toBe('TOO_MANY_ERRORS');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('keeps the old chunks when cancelled while the new ones are embedded', async () => {
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const seen: string[][] = [];
    const embedder = new HookedEmbedder((_call, batch) => {
      seen.push([...batch]);
      // The first call embeds the row itself; the second the rebuilt chunks.
      if (batch.includes(texts(NEW, NEW_SETTINGS)[0]!)) controller.abort(new Error('stop'));
    });
    const error = await rejection(
      batchImport({ source_path: jsonl('cancel.jsonl', [REPLACEMENT]), on_conflict: 'replace' }, { ...t.context({ allowedRoots: [root], signal: controller.signal }), embedder }),
    );
    expect(error.code).toBe('CANCELLED');
    expect(seen).toEqual([[NEW], texts(NEW, NEW_SETTINGS)]);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('keeps the old chunks when the embedder fails on the new chunks (injected embedder fault)', async () => {
    const before = await snapshot(t.dataset);
    const embedder = new HookedEmbedder((call) => {
      if (call === 2) throw new Error('injected fault: the embedding service is down');
    });
    const error = await rejection(batchImport({ source_path: jsonl('fault.jsonl', [REPLACEMENT]), on_conflict: 'replace' }, { ...t.context({ allowedRoots: [root] }), embedder }));
    expect(error.code).toBe('EMBEDDER_FAILED');
    expect(await snapshot(t.dataset)).toEqual(before);
  });
});
