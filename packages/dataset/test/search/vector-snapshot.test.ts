import { describe, expect, it } from 'vitest';
import type { Ranking } from '../../src/search/ranked.js';
import type { VectorQuery } from '../../src/search/vector-search.js';
import { VectorSnapshot } from '../../src/search/vector-snapshot.js';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

/** Ids in an order unrelated to the rows', so a tie broken by row number would show. */
function ids(count: number): string[] {
  return Array.from({ length: count }, (_, r) => `id-${String((r * 7919) % count).padStart(6, '0')}-${r}`);
}

/** Scores every listed row in plain JS with the exact score's arithmetic, and keeps the best k. */
function reference(matrix: Float32Array, dims: number, names: readonly string[], query: VectorQuery, rows: readonly number[] | null): Ranking {
  const strideF = Math.ceil(dims / 4) * 4;
  const queryNorm = Math.sqrt(query.vector.reduce((sum, x) => sum + x * x, 0));
  const scored = (rows ?? names.map((_, r) => r)).map((r) => {
    const lanes = [0, 0, 0, 0];
    let sum = 0;
    for (let j = 0; j < strideF; j++) {
      const x = j < dims ? matrix[r * dims + j]! : 0;
      const y = j < dims ? query.vector[j]! : 0;
      lanes[j % 4] = Math.fround(lanes[j % 4]! + Math.fround(x * y));
      sum += x * x;
    }
    const dot = Math.fround(Math.fround(lanes[0]! + lanes[1]!) + Math.fround(lanes[2]! + lanes[3]!));
    const denominator = Math.sqrt(sum) * queryNorm;
    return { uuid: names[r]!, score: denominator === 0 ? -1 : Math.max(-1, Math.min(1, dot / denominator)) };
  });
  return scored.sort((a, b) => b.score - a.score || (a.uuid < b.uuid ? -1 : 1)).slice(0, query.limit);
}

/** Random rows with the cases that stress the bounds mixed in: duplicates, near-duplicates, zero rows, spikes. */
function fixture(count: number, dims: number, seed: number): Float32Array {
  const rnd = random(seed);
  const matrix = Float32Array.from({ length: count * dims }, rnd);
  for (let r = 0; r < count; r++) {
    const row = matrix.subarray(r * dims, (r + 1) * dims);
    if (r % 50 === 1) row.set(matrix.subarray(0, dims));
    if (r % 50 === 2) row.forEach((_, j) => { row[j] = matrix[j]! + rnd() * 1e-6; });
    if (r % 97 === 3) row.fill(0);
    if (r % 89 === 4) row[r % dims] = 40;
  }
  return matrix;
}

/**
 * Queries: random, rows, near-rows, the negation of a row, with limits from 1 to more than the rows. 70 of
 * them make more than one group of 64 and a partial block of 4.
 */
function queries(matrix: Float32Array, count: number, dims: number, seed: number, many = 70): VectorQuery[] {
  const rnd = random(seed);
  const limits = [1, 10, 100, count + 5];
  return Array.from({ length: many }, (_, q) => {
    const row = matrix.subarray(((q * 31) % count) * dims, ((q * 31) % count) * dims + dims);
    const kind = q % 5;
    const vector =
      kind === 0 ? Float32Array.from(row)
      : kind === 1 ? row.map((x) => x + rnd() * 0.05)
      : kind === 2 ? row.map((x) => -x)
      : Float32Array.from({ length: dims }, rnd);
    return { vector, filter: null, limit: limits[q % limits.length]! };
  });
}

describe('VectorSnapshot', () => {
  // Rows enough for several tiles of the i8 pass (tiles hold 512 KiB of i8 rows: 32,768 rows of 1 to 16 dimensions).
  it.each([
    [1, 40_000, 9],
    [3, 40_000, 9],
    [17, 3_000, 70],
    [383, 3_000, 70],
    [384, 3_000, 70],
  ])('at %i dimensions over %i rows, ranks %i queries exactly as scoring every row in plain JS, alone or in a batch', (dims, count, many) => {
    const matrix = fixture(count, dims, dims);
    const names = ids(count);
    const snapshot = VectorSnapshot.fromMatrix(names, matrix, dims)!;
    expect(snapshot.quantized).toBe(true);
    const batch = queries(matrix, count, dims, dims + 100, many);
    const expected = batch.map((query) => reference(matrix, dims, names, query, null));
    expect(snapshot.search(batch, null)).toEqual(expected);
    for (const q of [0, 1, 2, 3, many - 1]) expect(snapshot.search([batch[q]!], null)).toEqual([expected[q]]);
    // The fixture really has ties: duplicates of row 0 score the same, and only their uuids order them.
    const tie = { vector: matrix.slice(0, dims), filter: null, limit: 3 };
    const tied = reference(matrix, dims, names, tie, null);
    expect(new Set(tied.map((hit) => hit.score)).size).toBe(1);
    expect(snapshot.search([tie], null)).toEqual([tied]);
    expect(expected[3]!.length).toBe(count);
  });

  it("applies a filter's rows before ranking: subsets, one row, none, and more wanted than there are", () => {
    const [dims, count] = [384, 2_000];
    const matrix = fixture(count, dims, 5);
    const names = ids(count);
    const snapshot = VectorSnapshot.fromMatrix(names, matrix, dims)!;
    const batch = queries(matrix, count, dims, 6).slice(0, 9);
    for (const rows of [names.filter((_, r) => r % 3 === 0), [names[17]!], [], names.filter((_, r) => r % 50 < 3), ['not-a-row', names[5]!]]) {
      const list = snapshot.rowsOf(rows);
      const numbers = Array.from(list);
      expect(numbers).toEqual(names.flatMap((name, r) => (rows.includes(name) ? [r] : [])));
      expect(snapshot.search(batch, list)).toEqual(batch.map((query) => reference(matrix, dims, names, query, numbers)));
    }
  });

  it('ranks identically with the i8 pass and without it (a budget with room for the f32 copy only)', () => {
    const [dims, count] = [383, 2_500];
    const matrix = fixture(count, dims, 9);
    const names = ids(count);
    const withI8 = VectorSnapshot.fromMatrix(names, matrix, dims)!;
    const f32Only = VectorSnapshot.fromMatrix(names, matrix, dims, VectorSnapshot.bytes(count, dims, false))!;
    expect([withI8.quantized, f32Only.quantized]).toEqual([true, false]);
    const batch = queries(matrix, count, dims, 10);
    const rows = withI8.rowsOf(names.filter((_, r) => r % 4 === 1));
    expect(f32Only.search(batch, null)).toEqual(withI8.search(batch, null));
    expect(f32Only.search(batch, rows)).toEqual(withI8.search(batch, rows));
  });

  it('breaks ties at the k-th place by uuid when hundreds of rows score the same or within f32 rounding', () => {
    const [dims, count] = [64, 1_200];
    const rnd = random(21);
    const shared = Float32Array.from({ length: dims }, rnd);
    const matrix = new Float32Array(count * dims);
    // Rows 0-599 are the same vector, 600-899 differ from it by about one f32 rounding, the rest are random.
    for (let r = 0; r < count; r++) {
      for (let j = 0; j < dims; j++) matrix[r * dims + j] = r < 600 ? shared[j]! : shared[j]! + (r < 900 ? rnd() * 1e-7 : rnd());
    }
    const names = ids(count);
    const snapshot = VectorSnapshot.fromMatrix(names, matrix, dims)!;
    const batch = [5, 10, 599, 600, 601, 1000].map((limit) => ({ vector: shared.map((x) => x * 3), filter: null, limit }));
    const result = snapshot.search(batch, null);
    expect(result).toEqual(batch.map((query) => reference(matrix, dims, names, query, null)));
    // The test is about ties: more rows share the 10th score than the 10 kept.
    const firstTen = result[1]!;
    const all = reference(matrix, dims, names, { ...batch[1]!, limit: count }, null);
    expect(all.filter((hit) => hit.score === firstTen[9]!.score).length).toBeGreaterThan(100);
  });

  it('scores a zero query -1 everywhere and a query outside the bounded range exactly', () => {
    const [dims, count] = [16, 300];
    const matrix = fixture(count, dims, 3);
    const names = ids(count);
    const snapshot = VectorSnapshot.fromMatrix(names, matrix, dims)!;
    const zero = { vector: new Float32Array(dims), filter: null, limit: 4 };
    const tiny = { vector: Float32Array.from({ length: dims }, (_, j) => (j + 1) * 1e-30), filter: null, limit: 6 };
    const [zeroHits, tinyHits] = snapshot.search([zero, tiny], null);
    expect(zeroHits).toEqual([...names].sort().slice(0, 4).map((uuid) => ({ uuid, score: -1 })));
    expect(tinyHits).toEqual(reference(matrix, dims, names, tiny, null));
  });

  it('is over budget (null) below the f32 copy, f32 only below the i8 copy, and never larger than its budget', () => {
    const [dims, count] = [384, 1_000];
    const matrix = fixture(count, dims, 4);
    const names = ids(count);
    const f32Bytes = VectorSnapshot.bytes(count, dims, false);
    const allBytes = VectorSnapshot.bytes(count, dims, true);
    expect(f32Bytes).toBeGreaterThanOrEqual(count * dims * 4);
    expect(allBytes).toBeGreaterThan(f32Bytes + count * dims);
    expect(VectorSnapshot.fromMatrix(names, matrix, dims, f32Bytes - 1)).toBeNull();
    expect(VectorSnapshot.fromMatrix(names, matrix, dims, allBytes - 1)?.quantized).toBe(false);
    expect(VectorSnapshot.fromMatrix(names, matrix, dims, allBytes)?.quantized).toBe(true);
  });

  it('refuses more or fewer rows than it was sized for', () => {
    const writer = VectorSnapshot.writer(2, 4, Infinity)!;
    expect(() => writer.append(['a', 'b', 'c'], new Uint8Array(48))).toThrow(/sized for 2 vectors/);
    writer.append(['a'], new Uint8Array(16));
    expect(() => writer.finish()).toThrow(/sized for 2 vectors but got 1/);
  });
});
