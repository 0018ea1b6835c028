// @contextframe/dataset: open a DuckDB dataset, add embedded notes (one of them chunked), search them with a
// filter, change records in a transaction, and tell a bad filter by its error code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chunkText, FrameDataset, HashEmbedder, isDatasetError, type NewRecord } from '@contextframe/dataset';

const folder = mkdtempSync(join(tmpdir(), 'contextframe-example-'));
// Created on first open; `:memory:` would keep everything in memory instead.
const dataset = await FrameDataset.open({ path: join(folder, 'notes.duckdb') });
// Offline and deterministic (lexical, not semantic); OpenAIEmbedder plugs in a real model.
const embedder = new HashEmbedder();

try {
  const notes: NewRecord[] = [
    {
      title: 'DuckDB',
      content: 'DuckDB is an in-process SQL database built for analytics.',
      collection: 'databases',
      tags: ['sql'],
      metadata: { status: 'reviewed', priority: 3 },
    },
    {
      title: 'SQLite',
      content: 'SQLite is an in-process SQL database for apps and small devices.',
      collection: 'databases',
      tags: ['sql'],
      metadata: { status: 'draft', priority: 2 },
    },
    {
      title: 'Cats',
      content: 'Cats sleep for most of the day and hunt at dusk.',
      collection: 'animals',
      tags: ['pets'],
      metadata: { status: 'reviewed', priority: 1 },
    },
  ];
  const vectors = await embedder.embed(notes.map((note) => note.content ?? ''));
  // The dataset remembers the embedder's id and dimensions and refuses vectors from another model.
  const ids = await dataset.add(
    notes.map((note, i) => ({ ...note, embedding: vectors[i] })),
    { embeddingModel: embedder.id },
  );
  console.log(`added ${ids.length} notes`);

  // A long document is stored whole plus one record per chunk, each chunk pointing at its parent.
  const guide =
    'Vector search compares embeddings by cosine similarity.\n\n' +
    'Text search ranks records by BM25 over an inverted index that every write keeps current.\n\n' +
    'Hybrid search fuses both rankings with reciprocal rank fusion.';
  const chunks = chunkText(guide, { chunkSize: 100 });
  const guideVectors = await embedder.embed([guide, ...chunks.map((chunk) => chunk.text)]);
  await dataset.transaction(async (tx) => {
    const [parent] = await tx.add([{ title: 'Search guide', content: guide, collection: 'docs', embedding: guideVectors[0] }], {
      embeddingModel: embedder.id,
    });
    await tx.add(
      chunks.map((chunk, i) => ({
        content: chunk.text,
        collection: 'docs',
        record_type: 'chunk',
        parent_id: parent!,
        chunk_index: i,
        embedding: guideVectors[i + 1],
      })),
      { embeddingModel: embedder.id },
    );
  });
  const stats = await dataset.stats();
  console.log(`records: ${stats.records} (${stats.documents} documents, ${stats.chunks} chunks), vectors: ${stats.embedding?.model}`);

  // Filters are parsed and compiled to parameterized SQL; a bare name such as `status` is a metadata key.
  const question = 'in-process SQL database';
  const [questionVector] = await embedder.embed([question]);
  const hits = await dataset.search({
    type: 'hybrid',
    text: question,
    vector: questionVector,
    filter: "collection = 'databases' AND priority >= 2",
    limit: 5,
  });
  console.log(`hybrid search "${question}" among databases of priority 2 or more:`);
  for (const hit of hits) console.log(`  ${hit.record.title}  score ${hit.score.toFixed(4)}  text rank ${hit.ranks.text}, vector rank ${hit.ranks.vector}`);

  const textHits = await dataset.search({ type: 'text', text: 'BM25 inverted index', filter: "record_type = 'chunk'", limit: 1 });
  console.log(`text search "BM25 inverted index" among chunks: chunk ${textHits[0]?.record.chunk_index}: "${textHits[0]?.record.content}"`);

  // Writes inside a transaction commit together, or not at all when the callback throws.
  await dataset.transaction(async (tx) => {
    await tx.update([{ uuid: ids[1]!, patch: { metadata: { status: 'reviewed', priority: 2 } } }]);
  });
  try {
    await dataset.transaction(async (tx) => {
      await tx.delete(ids);
      throw new Error('changed my mind');
    });
  } catch (error) {
    console.log(`transaction failed (${(error as Error).message}); notes still there: ${await dataset.count("collection = 'databases' OR collection = 'animals'")}`);
  }
  console.log(`reviewed now: ${(await dataset.query({ filter: "status = 'reviewed'", orderBy: [{ field: 'title' }] })).map((record) => record.title).join(', ')}`);

  // Every failure is a DatasetError with a stable code and a message that says what to fix.
  try {
    await dataset.count("status = 'reviewed' AND");
  } catch (error) {
    if (!isDatasetError(error, 'FILTER_SYNTAX')) throw error;
    console.log(`bad filter: ${error.message}`);
  }
} finally {
  await dataset.close();
  rmSync(folder, { recursive: true, force: true });
}
