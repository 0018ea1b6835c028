import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Bm25Options, FrameDataset, type NewRecord, type SearchHit, type SearchRequest, tokenize } from '../../src/index.js';
import { reciprocalRankFusion } from '../../src/search/hybrid.js';
import { indexedText } from '../../src/search/text-index.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;

beforeEach(async () => {
  dir = tempDir();
  ds = await FrameDataset.open({ path: join(dir.path, 'search.duckdb') });
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

/** A seeded generator, so the fixtures are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

const CORPUS: NewRecord[] = [
  { title: 'DuckDB', content: 'DuckDB is an in-process SQL OLAP database management system.' },
  { title: 'SQLite', content: 'SQLite is a small, fast, self-contained SQL database engine.' },
  { title: 'Postgres', content: 'PostgreSQL is a powerful open source object-relational database system.' },
  { title: 'BM25', content: 'BM25 is a ranking function used by search engines to rank documents by relevance.' },
  { title: 'Vectors', content: 'Vector search ranks documents by the similarity of their embeddings to a query embedding.' },
  { title: 'Hybrid', content: 'Hybrid search fuses text search and vector search rankings, for example with reciprocal rank fusion.' },
  { title: 'Cats', content: 'Cats sleep for most of the day and hunt at night.' },
  { title: 'Dogs', content: 'Dogs are loyal; dogs love walks, and dogs love the park.' },
  { title: 'Search engines', content: 'Search engines crawl, index and rank the web. Ranking search results well is hard.', tags: ['search', 'web'] },
  { title: 'Café', content: 'Ｃａｆé culture: coffee, croissants and conversation.', context: 'Paris' },
  { title: null, content: 'database database database database database' },
  { title: 'Empty-ish', content: '' },
];

/** BM25 from scratch over the same indexed text and tokenizer, for comparison. */
function referenceBm25(docs: { uuid: string; text: string }[], query: string, k1 = 1.2, b = 0.75): Map<string, number> {
  const tokenized = docs.map((doc) => ({ uuid: doc.uuid, tokens: tokenize(doc.text) }));
  const n = tokenized.length;
  const avgdl = tokenized.reduce((sum, doc) => sum + doc.tokens.length, 0) / n;
  const scores = new Map<string, number>();
  for (const term of new Set(tokenize(query))) {
    const df = tokenized.filter((doc) => doc.tokens.includes(term)).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const doc of tokenized) {
      const tf = doc.tokens.filter((t) => t === term).length;
      if (tf === 0) continue;
      const part = (idf * tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * doc.tokens.length) / avgdl));
      scores.set(doc.uuid, (scores.get(doc.uuid) ?? 0) + part);
    }
  }
  return scores;
}

/**
 * The two ways a text search runs: from the in-memory snapshot of the index (any search outside a transaction),
 * and in DuckDB over the index tables (inside a transaction, which may see its own uncommitted writes).
 */
const TEXT_PATHS: [string, (request: SearchRequest, bm25?: Bm25Options) => Promise<SearchHit[]>][] = [
  ['from the in-memory snapshot', (request, bm25) => ds.search(request, bm25)],
  ['in DuckDB (inside a transaction)', (request, bm25) => ds.transaction((tx) => tx.search(request, bm25))],
];

describe.each(TEXT_PATHS)('text search (BM25) %s', (_path, search) => {
  it.each([
    'database',
    'search engines rank documents',
    'SQL database system',
    'dogs love',
    'café PARIS',
    'vector embeddings similarity',
    'nothing-matches-this',
  ])('scores %j exactly as a from-scratch BM25 does', async (query) => {
    const records = CORPUS.map((doc, i) => ({ ...doc, uuid: ID(i) }));
    await ds.add(records);
    const stored = await ds.get(records.map((r) => r.uuid));
    const reference = referenceBm25(stored.map((r) => ({ uuid: r.uuid, text: indexedText(r) })), query);
    const hits = await search({ type: 'text', text: query, limit: 100 });
    const expected = [...reference].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(hits.map((h) => h.uuid)).toEqual(expected.map(([uuid]) => uuid));
    hits.forEach((hit, i) => {
      expect(hit.score).toBeCloseTo(expected[i]![1], 9);
      expect(hit.scores).toEqual({ text: hit.score });
      expect(hit.ranks).toEqual({ text: i + 1 });
    });
  });

  it('honours custom k1 and b', async () => {
    const records = CORPUS.map((doc, i) => ({ ...doc, uuid: ID(i) }));
    await ds.add(records);
    const stored = await ds.get(records.map((r) => r.uuid));
    const reference = referenceBm25(stored.map((r) => ({ uuid: r.uuid, text: indexedText(r) })), 'database', 2, 0.3);
    const hits = await search({ type: 'text', text: 'database', limit: 100 }, { k1: 2, b: 0.3 });
    for (const hit of hits) expect(hit.score).toBeCloseTo(reference.get(hit.uuid)!, 9);
    expect(hits.map((hit) => hit.uuid).sort()).toEqual([...reference.keys()].sort());
  });

  it('scores against the committed state after adds, updates and deletes laid over a loaded index', async () => {
    const records = CORPUS.map((doc, i) => ({ ...doc, uuid: ID(i) }));
    await ds.add(records.slice(0, 8));
    // A first search loads the index; the commits below change it record by record.
    await search({ type: 'text', text: 'database', limit: 1 });
    await ds.add(records.slice(8));
    await ds.update([{ uuid: ID(2), patch: { content: 'PostgreSQL: the database database system' } }]);
    await ds.delete([ID(0)]);
    const stored = await ds.query({ limit: 100 });
    for (const query of ['database', 'search engines rank documents', 'café PARIS']) {
      const reference = referenceBm25(stored.map((r) => ({ uuid: r.uuid, text: indexedText(r) })), query);
      const hits = await search({ type: 'text', text: query, limit: 100 });
      const expected = [...reference].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      expect(hits.map((h) => h.uuid)).toEqual(expected.map(([uuid]) => uuid));
      hits.forEach((hit, i) => { expect(hit.score).toBeCloseTo(expected[i]![1], 9); });
    }
  });
});

describe('text search (BM25)', () => {
  it('finds a document right after its commit, never after its delete or a rolled-back add', async () => {
    await ds.add([{ uuid: ID(1), content: 'a zebra walks' }]);
    expect((await ds.search({ type: 'text', text: 'zebra' })).map((h) => h.uuid)).toEqual([ID(1)]);
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(2), content: 'another zebra and a xylophone' }]);
        expect((await tx.search({ type: 'text', text: 'xylophone' })).map((h) => h.uuid)).toEqual([ID(2)]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await ds.search({ type: 'text', text: 'xylophone' })).toEqual([]);
    expect((await ds.search({ type: 'text', text: 'zebra' })).map((h) => h.uuid)).toEqual([ID(1)]);
    await ds.update([{ uuid: ID(1), patch: { content: 'a giraffe walks' } }]);
    expect(await ds.search({ type: 'text', text: 'zebra' })).toEqual([]);
    expect((await ds.search({ type: 'text', text: 'giraffe' })).map((h) => h.uuid)).toEqual([ID(1)]);
    await ds.delete([ID(1)]);
    expect(await ds.search({ type: 'text', text: 'giraffe' })).toEqual([]);
  });

  it('applies the filter before ranking', async () => {
    await ds.add(
      Array.from({ length: 50 }, (_, i) => ({ uuid: ID(i), content: `common word ${'common '.repeat(i % 5)}`, metadata: { keep: i % 10 === 0 } })),
    );
    const hits = await ds.search({ type: 'text', text: 'common', limit: 10, filter: 'keep = true' });
    expect(hits.map((h) => h.uuid).sort()).toEqual([0, 10, 20, 30, 40].map(ID));
  });
});

describe('vector search', () => {
  const DIMS = 16;
  const rnd = random(7);
  const vectors = Array.from({ length: 1000 }, () => Float32Array.from({ length: DIMS }, rnd));

  beforeEach(async () => {
    await ds.add(
      vectors.map((embedding, i) => ({ uuid: ID(i), content: `doc ${i}`, embedding, metadata: { group: i % 7, rare: [5, 500, 995].includes(i) } })),
      { embeddingModel: 'test' },
    );
  });

  it('returns exactly the 3 documents a filter matches among 1,000, ranked by cosine', async () => {
    const query = Float32Array.from({ length: DIMS }, rnd);
    const hits = await ds.search({ type: 'vector', vector: query, limit: 10, filter: 'rare = true' });
    const expected = [5, 500, 995].map((i) => ({ uuid: ID(i), score: cosine(vectors[i]!, query) })).sort((a, b) => b.score - a.score);
    expect(hits.map((h) => h.uuid)).toEqual(expected.map((e) => e.uuid));
    hits.forEach((hit, i) => { expect(hit.score).toBeCloseTo(expected[i]!.score, 5); });
  });

  it('matches a brute-force top-k under a filter, many queries in one call equal to one at a time', async () => {
    const queries = Array.from({ length: 8 }, () => Float32Array.from({ length: DIMS }, rnd));
    const outcomes = await ds.searchMany(queries.map((vector, q) => ({ type: 'vector', vector, limit: 10, filter: `"group" = ${q % 7}` })));
    for (const [q, query] of queries.entries()) {
      const expected = vectors
        .map((v, i) => ({ uuid: ID(i), score: cosine(v, query), group: i % 7 }))
        .filter((e) => e.group === q % 7)
        .sort((a, b) => b.score - a.score)
        .slice(0, 10);
      const outcome = outcomes[q]!;
      if (!outcome.ok) throw outcome.error;
      expect(outcome.hits.map((h) => h.uuid)).toEqual(expected.map((e) => e.uuid));
      const single = await ds.search({ type: 'vector', vector: query, limit: 10, filter: `"group" = ${q % 7}` });
      expect(single.map((h) => [h.uuid, h.score])).toEqual(outcome.hits.map((h) => [h.uuid, h.score]));
    }
  });

  it('fails only the search with a bad filter or a wrong-dimension vector', async () => {
    const query = Float32Array.from({ length: DIMS }, rnd);
    const outcomes = await ds.searchMany([
      { type: 'vector', vector: query, limit: 3 },
      { type: 'vector', vector: query, limit: 3, filter: "title = 'unterminated" },
      { type: 'vector', vector: [1, 2, 3], limit: 3 },
      { type: 'text', text: 'doc', limit: 3 },
    ]);
    expect(outcomes.map((o) => (o.ok ? o.hits.length : o.error.code))).toEqual([3, 'FILTER_SYNTAX', 'EMBEDDING_MISMATCH', 3]);
    const mismatch = outcomes[2]!;
    expect(!mismatch.ok && mismatch.error.message).toMatch(/3 dimensions.*16-dimension vectors from test/);
  });

  it('ranks the same from memory, from DuckDB inside a transaction, and with the memory copy turned off', async () => {
    const queries = Array.from({ length: 5 }, () => Float32Array.from({ length: DIMS }, rnd));
    const requests = queries.map((vector, q) => ({ type: 'vector' as const, vector, limit: 7, filter: q % 2 ? `"group" IN (1, 2)` : null }));
    const fromMemory = await ds.searchMany(requests);
    const fromSql = await ds.transaction((tx) => tx.searchMany(requests));
    const path = ds.path;
    await ds.close();
    ds = await FrameDataset.open({ path, vectorCacheBytes: 0 });
    const uncached = await ds.searchMany(requests);
    const shape = (outcomes: typeof fromMemory) => outcomes.map((o) => (o.ok ? o.hits.map((h) => h.uuid) : o.error.code));
    expect(shape(fromSql)).toEqual(shape(fromMemory));
    expect(shape(uncached)).toEqual(shape(fromMemory));
    fromMemory.forEach((outcome, q) => {
      const other = fromSql[q]!;
      if (!outcome.ok || !other.ok) throw new Error('a search failed');
      outcome.hits.forEach((hit, i) => { expect(hit.score).toBeCloseTo(other.hits[i]!.score, 5); });
    });
  });

  it('sees every committed add and delete in the next vector search', async () => {
    const query = Float32Array.from({ length: DIMS }, rnd);
    await ds.search({ type: 'vector', vector: query, limit: 1 });
    await ds.add([{ uuid: ID(5000), content: 'exact match', embedding: query }]);
    const [top] = await ds.search({ type: 'vector', vector: query, limit: 1 });
    expect(top?.uuid).toBe(ID(5000));
    expect(top?.score).toBeCloseTo(1, 6);
    await ds.delete([ID(5000)]);
    const [after] = await ds.search({ type: 'vector', vector: query, limit: 1 });
    expect(after?.uuid).not.toBe(ID(5000));
  });

  it('breaks score ties by uuid', async () => {
    const same = Float32Array.from({ length: DIMS }, (_, i) => (i === 0 ? 1 : 0));
    await ds.add([ID(2001), ID(2000), ID(2002)].map((uuid) => ({ uuid, content: 'tie', embedding: same })));
    const hits = await ds.search({ type: 'vector', vector: same, limit: 3 });
    expect(hits.map((h) => h.uuid)).toEqual([ID(2000), ID(2001), ID(2002)]);
    expect(new Set(hits.map((h) => h.score)).size).toBe(1);
  });

  it('accepts query vectors whose first components are whole numbers', async () => {
    const query = Float32Array.from({ length: DIMS }, (_, i) => (i < 2 ? i : 0.25));
    const outcomes = await ds.searchMany([
      { type: 'vector', vector: query, limit: 2 },
      { type: 'vector', vector: [0, 1, ...Array.from({ length: DIMS - 2 }, () => 0.5)], limit: 2 },
    ]);
    expect(outcomes.map((o) => o.ok && o.hits.length)).toEqual([2, 2]);
  });

  it('ranks nothing for a zero query vector instead of returning NaN scores', async () => {
    expect(await ds.search({ type: 'vector', vector: new Float32Array(DIMS), limit: 3 })).toEqual([]);
  });
});

describe('hybrid search', () => {
  it('fuses ranks by RRF with k = 60: numbers checked by hand', () => {
    const vector = [
      { uuid: 'a', score: 0.9 },
      { uuid: 'b', score: 0.8 },
      { uuid: 'c', score: 0.7 },
    ];
    const text = [
      { uuid: 'c', score: 12 },
      { uuid: 'd', score: 8 },
    ];
    const fused = reciprocalRankFusion(vector, text, { k: 60, vectorWeight: 1, textWeight: 1 }, 10);
    // c: 1/63 + 1/61 = 0.032266...; a: 1/61 = 0.016393...; b: 1/62 = 0.016129...; d: 1/62 = 0.016129...
    expect(fused.map((h) => h.uuid)).toEqual(['c', 'a', 'b', 'd']);
    expect(fused[0]!.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[0]!.scores).toEqual({ vector: 0.7, text: 12 });
    expect(fused[0]!.ranks).toEqual({ vector: 3, text: 1 });
    expect(fused[1]!.score).toBeCloseTo(1 / 61, 12);
    expect(fused[2]!.score).toBe(fused[3]!.score); // b and d tie at 1/62; b wins on uuid
    const weighted = reciprocalRankFusion(vector, text, { k: 1, vectorWeight: 0, textWeight: 2 }, 2);
    expect(weighted.map((h) => [h.uuid, h.score])).toEqual([
      ['c', 2 / 2],
      ['d', 2 / 3],
    ]);
  });

  it('returns fused scores with each component score and rank from a real dataset', async () => {
    await ds.add([
      { uuid: ID(1), content: 'apple banana', embedding: [1, 0, 0] },
      { uuid: ID(2), content: 'banana cherry', embedding: [0.9, 0.1, 0] },
      { uuid: ID(3), content: 'cherry date', embedding: [0, 1, 0] },
    ]);
    const hits = await ds.search({ type: 'hybrid', text: 'cherry', vector: [1, 0, 0], limit: 3 });
    const vectorRanks = new Map([
      [ID(1), 1],
      [ID(2), 2],
      [ID(3), 3],
    ]);
    for (const hit of hits) {
      expect(hit.ranks.vector).toBe(vectorRanks.get(hit.uuid));
      const expected = 1 / (60 + hit.ranks.vector!) + (hit.ranks.text ? 1 / (60 + hit.ranks.text) : 0);
      expect(hit.score).toBeCloseTo(expected, 12);
    }
    // ID(2): 1/62 + 1/61 (text rank 1 on the uuid tie-break); ID(3): 1/63 + 1/62; ID(1): 1/61, vector only.
    expect(hits.map((h) => h.uuid)).toEqual([ID(2), ID(3), ID(1)]);
    expect(hits[2]!.scores.text).toBeUndefined();
    expect(hits[2]!.scores.vector).toBeCloseTo(1, 6);
    expect(hits[0]!.record.content).toBe('banana cherry');
  });
});
