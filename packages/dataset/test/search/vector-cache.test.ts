import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrameDataset, type SearchOutcome } from '../../src/index.js';
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
