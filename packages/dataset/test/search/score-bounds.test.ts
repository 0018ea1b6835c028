import { describe, expect, it } from 'vitest';
import { queryBound, RowBounds, scoreError } from '../../src/search/score-bounds.js';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

/** The snapshot's exact score written out: f32 lanes for the dot product, f64 norms, clamped, -1 for zero. */
function exactScore(row: Float32Array, query: Float32Array, strideF: number): number {
  const lanes = [0, 0, 0, 0];
  for (let j = 0; j < strideF; j++) lanes[j % 4] = Math.fround(lanes[j % 4]! + Math.fround((row[j] ?? 0) * (query[j] ?? 0)));
  const dot = Math.fround(Math.fround(lanes[0]! + lanes[1]!) + Math.fround(lanes[2]! + lanes[3]!));
  const norm = (v: Float32Array) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
  const denominator = norm(row) * norm(query);
  return denominator === 0 ? -1 : Math.max(-1, Math.min(1, dot / denominator));
}

/** Rows that stress the quantization: random, one spike, tiny, huge, zero, and beyond the bounded range. */
function fixtureRows(dims: number, rnd: () => number): Float32Array[] {
  const rows: Float32Array[] = [];
  for (let r = 0; r < 40; r++) rows.push(Float32Array.from({ length: dims }, rnd));
  rows.push(Float32Array.from({ length: dims }, (_, j) => (j === 0 ? 100 : rnd() * 1e-3)));
  rows.push(Float32Array.from({ length: dims }, () => rnd() * 1e-12));
  rows.push(Float32Array.from({ length: dims }, () => rnd() * 1e12));
  rows.push(new Float32Array(dims));
  rows.push(Float32Array.from({ length: dims }, () => rnd() * 1e-30));
  rows.push(Float32Array.from({ length: dims }, () => rnd() * 1e30));
  return rows;
}

describe('score bounds', () => {
  it.each([1, 2, 7, 64, 383, 384])('always contain the exact score at %i dimensions', (dims) => {
    const rnd = random(dims + 1);
    const strideF = Math.ceil(dims / 4) * 4;
    const stride8 = Math.ceil(dims / 16) * 16;
    const rows = fixtureRows(dims, rnd);
    const bounds = new RowBounds(rows.length);
    const levels = rows.map((row, r) => {
      const out = new Int8Array(stride8);
      bounds.quantize(r, row, 0, dims, Math.sqrt(row.reduce((sum, x) => sum + x * x, 0)), out, 0);
      return out;
    });
    const queries = [...fixtureRows(dims, rnd).slice(0, 8), Float32Array.from({ length: dims }, (_, j) => (j === dims - 1 ? -3 : 0))];
    let checked = 0;
    for (const query of queries) {
      const norm = Math.sqrt(query.reduce((sum, x) => sum + x * x, 0));
      const bound = queryBound(query, norm, stride8, strideF);
      expect(bound).not.toBeNull();
      rows.forEach((row, r) => {
        let dot = 0;
        for (let j = 0; j < stride8; j++) dot += levels[r]![j]! * bound!.levels[j]!;
        const center = bound!.alpha * bounds.scale[r]! * dot + bounds.base[r]!;
        const width = bound!.beta1 * bounds.slack[r]! + bound!.beta2;
        const exact = exactScore(row, query, strideF);
        expect(exact).toBeGreaterThanOrEqual(center - width);
        expect(exact).toBeLessThanOrEqual(center + width);
        checked++;
      });
    }
    expect(checked).toBe(queries.length * rows.length);
    // Rows outside the bounded magnitudes are always scored exactly; ordinary rows get a useful bound.
    expect(Array.from(bounds.slack.subarray(-2))).toEqual([Infinity, Infinity]);
    expect(bounds.base[rows.length - 3]).toBe(-1);
    if (dims >= 64) for (let r = 0; r < 40; r++) expect(bounds.slack[r]).toBeLessThan(0.02);
  });

  it('gives no bound for a query it cannot quantize safely', () => {
    const strideF = 8;
    expect(queryBound(new Float32Array(8), 0, 16, strideF)).toBeNull();
    expect(queryBound(Float32Array.from([1, Number.NaN, 0, 0, 0, 0, 0, 0]), Number.NaN, 16, strideF)).toBeNull();
    expect(queryBound(Float32Array.from([1e-30, 0, 0, 0, 0, 0, 0, 0]), 1e-30, 16, strideF)).toBeNull();
    expect(queryBound(Float32Array.from([1, 0, 0, 0, 0, 0, 0, 0]), 1, 16, strideF)).not.toBeNull();
  });

  it('keeps the i32 sum in range: fewer query levels for wider rows', () => {
    const wide = queryBound(Float32Array.from({ length: 3072 }, (_, j) => (j % 2 ? 1 : -1)), Math.sqrt(3072), 3072, 3072)!;
    const maxLevel = Math.max(...Array.from(wide.levels, Math.abs));
    expect(maxLevel * 127 * 3072).toBeLessThanOrEqual(2 ** 31 - 1);
    const narrow = queryBound(Float32Array.from({ length: 384 }, (_, j) => (j % 2 ? 1 : -1)), Math.sqrt(384), 384, 384)!;
    expect(Math.max(...Array.from(narrow.levels, Math.abs))).toBe(32_767);
    expect(scoreError(384)).toBeLessThan(1e-4);
  });
});
