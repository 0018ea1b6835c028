import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { FrameDataset, type SearchOutcome } from '../../src/index.js';
import { VectorCache } from '../../src/search/vector-cache.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const DIMS = 383;
const COUNT = 2_000;

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;
const rnd = random(383);
// Every 100th vector is zero (DuckDB scores it -1); every 50th+1 repeats vector 0 (ties, broken by uuid).
const vectors = Array.from({ length: COUNT }, (_, i) => (i % 100 === 99 ? new Float32Array(DIMS) : Float32Array.from({ length: DIMS }, rnd)));
for (let i = 1; i < COUNT; i += 50) vectors[i] = vectors[0]!;

beforeEach(async () => {
  dir = tempDir();
  ds = await FrameDataset.open({ path: join(dir.path, 'vectors.duckdb') });
  await ds.add(
    vectors.map((embedding, i) => ({ uuid: ID(i), content: `doc ${i}`, embedding, metadata: { group: i % 5 } })),
    { embeddingModel: 'test' },
  );
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

function hits(outcomes: SearchOutcome[]): { uuid: string; score: number }[][] {
  return outcomes.map((outcome) => {
    if (!outcome.ok) throw outcome.error;
    return outcome.hits.map((hit) => ({ uuid: hit.uuid, score: hit.score }));
  });
}

describe('vector search from the in-memory snapshot', () => {
  it("ranks 383-dimension vectors as DuckDB's array_cosine_similarity does, with and without filters", async () => {
    const queries = Array.from({ length: 30 }, (_, q) => (q % 3 === 0 ? vectors[q * 7]! : Float32Array.from({ length: DIMS }, rnd)));
    const requests = queries.map((vector, q) => ({
      type: 'vector' as const,
      vector,
      limit: [1, 10, 25][q % 3]!,
      filter: q % 2 ? `"group" IN (1, 3)` : null,
    }));
    const fromMemory = hits(await ds.searchMany(requests));
    // Inside a transaction the snapshot may not match what the transaction sees, so DuckDB scores the vectors.
    const fromSql = hits(await ds.transaction((tx) => tx.searchMany(requests)));
    expect(fromMemory.map((ranking) => ranking.map((hit) => hit.uuid))).toEqual(fromSql.map((ranking) => ranking.map((hit) => hit.uuid)));
    fromMemory.forEach((ranking, q) => { ranking.forEach((hit, i) => { expect(hit.score).toBeCloseTo(fromSql[q]![i]!.score, 5); }); });
    expect(fromMemory.map((ranking) => ranking.length)).toEqual(requests.map((request) => request.limit));
  });

  it('puts the copies of a vector first, in uuid order, and zero vectors last at -1', async () => {
    const [top] = hits([{ ok: true, hits: await ds.search({ type: 'vector', vector: vectors[0]!, limit: 41 }) }]);
    expect(top!.map((hit) => hit.uuid)).toEqual(Array.from({ length: 41 }, (_, k) => ID(k === 0 ? 0 : 50 * (k - 1) + 1)));
    expect(new Set(top!.map((hit) => hit.score)).size).toBe(1);
    const [all] = hits([{ ok: true, hits: await ds.search({ type: 'vector', vector: vectors[0]!, limit: 1000, filter: `"group" = 4` }) }]);
    // Group 4 holds the 20 zero vectors (99, 199, ..., 1999): they tie at -1, so uuid orders them last.
    expect(all!.filter((hit) => hit.score === -1).length).toBe(20);
    expect(all!.slice(-4).map((hit) => [hit.uuid, hit.score])).toEqual([1699, 1799, 1899, 1999].map((i) => [ID(i), -1]));
    expect(all!.length).toBe(COUNT / 5);
  });
});

describe('vector search after commits, with the snapshot patched instead of reloaded', () => {
  /** What a snapshot loaded afresh gives: the same file, opened again. */
  async function reloaded(requests: Parameters<FrameDataset['searchMany']>[0]): Promise<{ uuid: string; score: number }[][]> {
    await ds.close();
    ds = await FrameDataset.open({ path: join(dir.path, 'vectors.duckdb') });
    return hits(await ds.searchMany(requests));
  }

  const requestsFor = (vectorsToAsk: readonly Float32Array[]) =>
    vectorsToAsk.flatMap((vector) => [
      { type: 'vector' as const, vector, limit: 60 },
      { type: 'vector' as const, vector, limit: 60, filter: `"group" IN (0, 2)` },
    ]);

  it('sees committed adds, rewrites and deletes at once, ranking exactly as a reloaded snapshot', async () => {
    const fresh = Float32Array.from({ length: DIMS }, rnd);
    // The first search loads the snapshot; the commits below are laid over it.
    await ds.search({ type: 'vector', vector: vectors[0]!, limit: 1 });
    await ds.add([
      { uuid: ID(5000), content: 'new copy of vector 0', embedding: vectors[0]!, metadata: { group: 0 } },
      { uuid: ID(5001), content: 'new', embedding: fresh, metadata: { group: 2 } },
      { uuid: ID(5002), content: 'no vector', metadata: { group: 0 } },
    ]);
    await ds.update([
      { uuid: ID(3), patch: { embedding: vectors[0]! } },
      { uuid: ID(51), patch: { embedding: fresh } },
      { uuid: ID(7), patch: { embedding: null } },
    ]);
    await ds.delete([ID(101), ID(10)]);
    const requests = requestsFor([vectors[0]!, fresh, vectors[10]!]);
    const patched = hits(await ds.searchMany(requests));
    const copies = patched[0]!.filter((hit) => hit.score === patched[0]![0]!.score).map((hit) => hit.uuid);
    // Vector 0's copies: the original, the rewritten record 3, the new 5000; 51 now holds `fresh`, 101 is gone.
    expect(copies).toContain(ID(3));
    expect(copies).toContain(ID(5000));
    expect(copies).not.toContain(ID(51));
    expect(copies).not.toContain(ID(101));
    // `fresh` is held by the new 5001 and the rewritten 51: a tie, so the smaller uuid first.
    expect(patched[2]!.slice(0, 2).map((hit) => hit.uuid)).toEqual([ID(51), ID(5001)]);
    expect(patched.flat().some((hit) => [ID(7), ID(10), ID(101), ID(5002)].includes(hit.uuid))).toBe(false);
    expect(patched).toEqual(await reloaded(requests));
  });

  it('rejects a vectorCacheBytes that is not a whole number of bytes, as textCacheBytes', async () => {
    for (const vectorCacheBytes of [-1, 1.5, Number.NaN]) {
      await expect(FrameDataset.open({ path: join(dir.path, 'bad.duckdb'), vectorCacheBytes })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringMatching(/vectorCacheBytes must be a whole number of bytes/),
      });
    }
  });

  it('keeps the vector as written when the caller reuses its array after the commit', async () => {
    await ds.search({ type: 'vector', vector: vectors[0]!, limit: 1 });
    const reused = Float32Array.from(vectors[5]!);
    await ds.add([{ uuid: ID(5100), content: 'copy of 5', embedding: reused }]);
    reused.fill(0.25);
    const requests = requestsFor([vectors[5]!, reused]);
    const patched = hits(await ds.searchMany(requests));
    expect(patched[0]!.slice(0, 2).map((hit) => hit.uuid)).toEqual([ID(5), ID(5100)]);
    expect(patched).toEqual(await reloaded(requests));
  });

  it('never shows a rolled-back write, and keeps the snapshot usable after it', async () => {
    const fresh = Float32Array.from({ length: DIMS }, rnd);
    await ds.search({ type: 'vector', vector: vectors[0]!, limit: 1 });
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(6000), content: 'rolled back', embedding: fresh }]);
        await tx.delete([ID(0)]);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    const [top] = hits(await ds.searchMany([{ type: 'vector', vector: fresh, limit: 3 }]));
    expect(top!.map((hit) => hit.uuid)).not.toContain(ID(6000));
    const [zero] = hits(await ds.searchMany([{ type: 'vector', vector: vectors[0]!, limit: 1 }]));
    expect(zero![0]!.uuid).toBe(ID(0));
  });

  it('stays exact over many small commits, and when one commit is too large to track it reloads', async () => {
    await ds.search({ type: 'vector', vector: vectors[0]!, limit: 1 });
    for (let i = 0; i < 5; i++) {
      await ds.add([{ uuid: ID(7000 + i), content: `step ${i}`, embedding: vectors[i * 3]!, metadata: { group: i % 5 } }]);
      await ds.delete([ID(200 + i)]);
      await ds.search({ type: 'vector', vector: vectors[0]!, limit: 1 });
    }
    let tracked: unknown;
    await ds.transaction(async (tx) => {
      await tx.add(Array.from({ length: 20_001 }, (_, i) => ({ uuid: ID(10_000 + i), content: `plain ${i}` })));
      tracked = tx.vectorChanges;
    });
    expect(tracked).toBeNull();
    await ds.add([{ uuid: ID(8000), content: 'after the big one', embedding: vectors[2]!, metadata: { group: 2 } }]);
    const requests = requestsFor([vectors[0]!, vectors[3]!, vectors[2]!]);
    const patched = hits(await ds.searchMany(requests));
    expect(patched[4]!.slice(0, 2).map((hit) => hit.uuid).sort()).toEqual([ID(2), ID(8000)]);
    expect(patched).toEqual(await reloaded(requests));
  });
});

describe('VectorCache', () => {
  /** A table with just the columns the cache reads, so what the cache holds can differ from it visibly. */
  async function tableOf(rows: Record<string, number[]>) {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run('CREATE TABLE cf_documents (uuid VARCHAR, embedding FLOAT[2])');
    for (const [uuid, vector] of Object.entries(rows)) await connection.run(`INSERT INTO cf_documents VALUES ('${uuid}', [${vector.join(', ')}])`);
    return { connection, close: () => { connection.closeSync(); instance.closeSync(); } };
  }
  const top = (snapshot: Awaited<ReturnType<VectorCache['snapshot']>>, vector: number[]) =>
    snapshot!.search([{ vector: Float32Array.from(vector), filter: null, limit: 5 }], null)[0]!.map((hit) => hit.uuid);

  it('lays committed changes over the loaded snapshot without reading the table again', async () => {
    const { connection, close } = await tableOf({ a: [1, 0], b: [0, 1] });
    try {
      const cache = new VectorCache();
      const first = await cache.snapshot(connection, 2);
      cache.committed(new Map([['c', Float32Array.from([1, 0.1])], ['b', null]]));
      const second = await cache.snapshot(connection, 2);
      // The same base, and a record the table does not hold: the changes were laid over, not reloaded.
      expect(second!.base).toBe(first!.base);
      expect(top(second, [1, 0])).toEqual(['a', 'c']);
      expect(await cache.snapshot(connection, 2)).toBe(second);
      // Unknown changes reload: now the table is what counts.
      cache.committed(null);
      const third = await cache.snapshot(connection, 2);
      expect(third!.base).not.toBe(first!.base);
      expect(top(third, [1, 0])).toEqual(['a', 'b']);
    } finally {
      close();
    }
  });

  it('reloads when commits pile up past the overlay limit, or when nothing was loaded yet', async () => {
    const { connection, close } = await tableOf({ a: [1, 0] });
    try {
      const cache = new VectorCache();
      cache.committed(new Map([['x', Float32Array.from([0, 1])]]));
      const loaded = await cache.snapshot(connection, 2);
      expect(top(loaded, [0, 1])).toEqual(['a']);
      for (let i = 0; i <= loaded!.overlayLimit; i += 1000) {
        cache.committed(new Map(Array.from({ length: 1000 }, (_, k) => [`n${i + k}`, Float32Array.from([0, 1])] as const)));
      }
      const reloaded = await cache.snapshot(connection, 2);
      expect(reloaded!.base).not.toBe(loaded!.base);
      expect(top(reloaded, [0, 1])).toEqual(['a']);
    } finally {
      close();
    }
  });
});
