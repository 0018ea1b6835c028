import { HashEmbedder } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchSearch, CollectingProgressSink, CoreError } from '../../src/index.js';
import { FaultInjectingEmbedder, HookedEmbedder, ID, openTestDataset, type TestDataset } from '../fixtures.js';

let t: TestDataset;

const CORPUS = [
  { content: 'Apples and pears are fruit that grow on trees', metadata: { uuid: ID(1), collection: 'food', tags: ['fruit'], kind: 'plant' } },
  { content: 'Carrots and potatoes are vegetables grown in soil', metadata: { uuid: ID(2), collection: 'food', tags: ['veg'], kind: 'plant' } },
  { content: 'Databases store rows in tables and answer queries', metadata: { uuid: ID(3), collection: 'tech', title: 'DB' } },
  { content: 'Vector search ranks documents by embedding similarity', metadata: { uuid: ID(4), collection: 'tech', title: 'Vectors' } },
  { content: 'Trees shed their leaves in autumn', metadata: { uuid: ID(5), collection: 'nature' } },
];

beforeEach(async () => {
  t = await openTestDataset();
  await batchAdd({ documents: CORPUS }, t.context());
});

afterEach(async () => {
  await t.close();
});

describe('batch_search', () => {
  it('runs text, vector and hybrid searches and returns each with its hits, in input order', async () => {
    const result = await batchSearch(
      {
        queries: [
          { query: 'databases tables', search_type: 'text' },
          { query: 'vector embedding similarity', search_type: 'vector', limit: 2 },
          { query: 'fruit trees' },
        ],
      },
      t.context(),
    );
    expect(result.searches_completed).toBe(3);
    expect(result.searches_failed).toBe(0);
    const [text, vector, hybrid] = result.results;
    expect(text).toMatchObject({ query: 'databases tables', search_type: 'text', success: true });
    expect(text!.results[0]).toMatchObject({ uuid: ID(3), title: 'DB', collection: 'tech', content: CORPUS[2]!.content, tags: [], metadata: {} });
    expect(text!.results[0]!.scores.text).toBeGreaterThan(0);
    expect(vector).toMatchObject({ search_type: 'vector', success: true, count: 2 });
    expect(vector!.results[0]!.uuid).toBe(ID(4));
    expect(vector!.results[0]!.scores.vector).toBeGreaterThan(0);
    expect(hybrid).toMatchObject({ search_type: 'hybrid', success: true });
    expect(hybrid!.results[0]!.uuid).toBe(ID(1));
    expect(hybrid!.count).toBe(hybrid!.results.length);
    expect(result.results[0]!.results[0]).toHaveProperty('score');
  });

  it('applies each query\'s filter and limit', async () => {
    const result = await batchSearch(
      {
        queries: [
          { query: 'trees', search_type: 'text', filter: "collection = 'nature'" },
          { query: 'plants', search_type: 'hybrid', filter: "kind = 'plant'", limit: 1 },
        ],
      },
      t.context(),
    );
    expect(result.results[0]!.results.map((hit) => hit.uuid)).toEqual([ID(5)]);
    expect(result.results[1]!.count).toBe(1);
    expect([ID(1), ID(2)]).toContain(result.results[1]!.results[0]!.uuid);
  });

  it('fails only the query with a bad filter, with its code, and runs the others', async () => {
    const result = await batchSearch(
      {
        queries: [
          { query: 'trees', search_type: 'text' },
          { query: 'trees', filter: "collection = = 'x'" },
          { query: 'fruit', search_type: 'vector' },
        ],
      },
      t.context(),
    );
    expect(result.searches_completed).toBe(2);
    expect(result.searches_failed).toBe(1);
    expect(result.results[1]).toMatchObject({ success: false, count: 0, results: [], code: 'FILTER_SYNTAX' });
    expect(result.results[1]!.error).toBeTruthy();
    expect(result.results[0]!.success).toBe(true);
    expect(result.results[2]!.success).toBe(true);
  });

  it('embeds all vector and hybrid query texts of a group in one embedder call, each distinct text once', async () => {
    const seen: number[] = [];
    const embedder = new HookedEmbedder((_call, texts) => {
      seen.push(texts.length);
    });
    await batchSearch(
      {
        queries: [
          { query: 'a', search_type: 'text' },
          { query: 'b', search_type: 'vector' },
          { query: 'c', search_type: 'hybrid' },
          { query: 'b', search_type: 'hybrid' },
        ],
      },
      t.context({ embedder }),
    );
    expect(seen).toEqual([2]);
  });

  it('splits a large batch into groups, runs at most max_parallel groups at once, and keeps input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const embedder = new HookedEmbedder(async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 10));
      inFlight--;
    });
    const queries = Array.from({ length: 50 }, (_, i) => ({ query: `query ${i} trees`, search_type: 'vector' as const, limit: 1 }));
    const result = await batchSearch({ queries, max_parallel: 2 }, t.context({ embedder, limits: { searchGroupSize: 5 } }));
    expect(embedder.calls).toBe(10);
    expect(peak).toBe(2);
    expect(result.results.map((entry) => entry.query)).toEqual(queries.map((query) => query.query));
    expect(result.searches_completed).toBe(50);
  });

  it('fails just the vector and hybrid queries whose embedding fails; text queries still run', async () => {
    const embedder = new FaultInjectingEmbedder('BROKEN');
    const result = await batchSearch(
      {
        queries: [
          { query: 'BROKEN text', search_type: 'vector' },
          { query: 'trees', search_type: 'vector' },
          { query: 'BROKEN words', search_type: 'text' },
        ],
      },
      t.context({ embedder }),
    );
    expect(result.results.map((entry) => [entry.success, entry.code])).toEqual([
      [false, 'EMBEDDER_FAILED'],
      [true, undefined],
      [true, undefined],
    ]);
  });

  it('fails vector queries with EMBEDDING_MISMATCH when the dataset holds another model\'s vectors', async () => {
    const result = await batchSearch(
      { queries: [{ query: 'trees', search_type: 'hybrid' }, { query: 'trees', search_type: 'text' }] },
      t.context({ embedder: new HashEmbedder({ dimensions: 16 }) }),
    );
    expect(result.results[0]).toMatchObject({ success: false, code: 'EMBEDDING_MISMATCH' });
    expect(result.results[1]!.success).toBe(true);
  });

  it('answers hybrid queries from text alone, without embedding, when no record has a vector', async () => {
    const empty = await openTestDataset();
    try {
      await batchAdd({ documents: [{ content: 'plain text only' }], shared_settings: { generate_embeddings: false } }, empty.context());
      const embedder = new HookedEmbedder(() => {});
      const result = await batchSearch({ queries: [{ query: 'plain' }] }, empty.context({ embedder }));
      expect(result.results[0]!.count).toBe(1);
      expect(embedder.calls).toBe(0);
    } finally {
      await empty.close();
    }
  });

  it('reports progress per group and one item event per query', async () => {
    const sink = new CollectingProgressSink();
    const queries = Array.from({ length: 45 }, (_, i) => ({ query: `trees ${i}`, search_type: 'text' as const }));
    await batchSearch({ queries }, t.context({ progress: sink }));
    expect(sink.ofType('start')[0]!.total).toBe(45);
    // Groups of 20 run in parallel and finish in any order; progress still only rises, to the total.
    const currents = sink.ofType('progress').map((event) => event.current);
    expect(currents).toHaveLength(3);
    expect([...currents].sort((a, b) => a - b)).toEqual(currents);
    expect(currents.at(-1)).toBe(45);
    expect(sink.ofType('item')).toHaveLength(45);
    expect(sink.ofType('complete')[0]!.summary.status).toBe('succeeded');
  });

  it('rejects an invalid batch with INVALID_INPUT and too many queries with BATCH_TOO_LARGE', async () => {
    await expect(batchSearch({ queries: [] }, t.context())).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(batchSearch({ queries: [{ query: 'x', search_type: 'fuzzy' as never }] }, t.context())).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('queries[0].search_type'),
    });
    await expect(batchSearch({ queries: [{ query: 'a' }, { query: 'b' }] }, t.context({ limits: { maxQueries: 1 } }))).rejects.toMatchObject({
      code: 'BATCH_TOO_LARGE',
    });
  });

  it('fails with CANCELLED and starts no new group after the signal fires', async () => {
    const controller = new AbortController();
    const embedder = new HookedEmbedder((call) => {
      if (call === 2) controller.abort();
    });
    const queries = Array.from({ length: 100 }, (_, i) => ({ query: `q ${i}`, search_type: 'vector' as const }));
    const error = await batchSearch({ queries, max_parallel: 1 }, t.context({ embedder, signal: controller.signal })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('CANCELLED');
    expect(embedder.calls).toBe(2);
  });

  it('reports a failure of the whole search pass against each of its queries', async () => {
    const closed = await openTestDataset();
    await closed.dataset.close();
    const result = await batchSearch({ queries: [{ query: 'x', search_type: 'text' }] }, closed.context());
    expect(result.results[0]).toMatchObject({ success: false, code: 'DATASET_CLOSED' });
    await closed.close();
  });
});
