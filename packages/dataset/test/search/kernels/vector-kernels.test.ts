import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';
import { describe, expect, it } from 'vitest';
import { vectorKernels, type VectorKernels, wasmMemory, WASM_PAGE_BYTES } from '../../../src/search/kernels/vector-kernels.js';
import { VECTOR_KERNELS_WASM } from '../../../src/search/kernels/vector-kernels-wasm.js';

/** A seeded generator of numbers in [-0.5, 0.5), so the fixtures are the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

/** A fresh memory of `bytes` with the kernels bound to it, and a bump allocator of 16-aligned regions. */
function setup(bytes: number): { kernels: VectorKernels; buffer: SharedArrayBuffer; alloc(size: number): number } {
  const memory = wasmMemory(Math.ceil(bytes / WASM_PAGE_BYTES) * WASM_PAGE_BYTES);
  let next = 16;
  return {
    kernels: vectorKernels(memory),
    buffer: memory.buffer,
    alloc(size) {
      const at = next;
      next += Math.ceil(size / 16) * 16;
      if (next > bytes) throw new Error('test memory too small');
      return at;
    },
  };
}

/** The exact score's f32 arithmetic written out: four lanes summed in order, reduced as (l0 + l1) + (l2 + l3). */
function referenceDotF32(row: Float32Array, query: Float32Array, strideF: number): number {
  const lanes = [0, 0, 0, 0];
  for (let j = 0; j < strideF; j++) lanes[j % 4] = Math.fround(lanes[j % 4]! + Math.fround((row[j] ?? 0) * (query[j] ?? 0)));
  return Math.fround(Math.fround(lanes[0]! + lanes[1]!) + Math.fround(lanes[2]! + lanes[3]!));
}

describe('vector kernels', () => {
  it('the committed WebAssembly is exactly vector-kernels.wat compiled (regenerate with `pnpm kernels`)', async () => {
    const wabt = await wabtInit();
    const wat = readFileSync(fileURLToPath(new URL('../../../src/search/kernels/vector-kernels.wat', import.meta.url)), 'utf8');
    const module = wabt.parseWat('vector-kernels.wat', wat, { simd: true, threads: true });
    // wabt's types leave out validate's features argument.
    (module.validate as (features: object) => void).call(module, { simd: true, threads: true });
    const { buffer } = module.toBinary({ write_debug_names: false });
    module.destroy();
    expect(Buffer.from(VECTOR_KERNELS_WASM, 'base64').equals(Buffer.from(buffer))).toBe(true);
  });

  it.each([1, 3, 4, 5, 17, 383, 384])('dotF32 equals the written-out f32 arithmetic bit for bit at %i dimensions', (dims) => {
    const rnd = random(dims);
    const strideF = Math.ceil(dims / 4) * 4;
    const rowCount = 21;
    const { kernels, buffer, alloc } = setup(1 << 20);
    const matrix = alloc(rowCount * strideF * 4);
    const query = alloc(strideF * 4);
    const rowsAt = alloc(64 * 4);
    const out = alloc(64 * 4);
    const rows = Array.from({ length: rowCount }, (_, r) => {
      const values = new Float32Array(buffer, matrix + r * strideF * 4, strideF);
      // Row 0 is zero; the others span several orders of magnitude.
      for (let j = 0; j < dims; j++) values[j] = r === 0 ? 0 : rnd() * 10 ** ((r % 7) - 3);
      return values;
    });
    const q = new Float32Array(buffer, query, strideF);
    for (let j = 0; j < dims; j++) q[j] = rnd();
    // Every count from 0 to 19 (whole blocks of 8 and partial ones), over rows listed out of order and repeated.
    const list = new Int32Array(buffer, rowsAt, 64);
    list.set(Array.from({ length: 19 }, (_, i) => (i * 5) % rowCount));
    for (let count = 0; count <= 19; count++) {
      const results = new Float32Array(buffer, out, 64);
      results.fill(12345);
      kernels.dotF32(query, matrix, strideF * 4, rowsAt, count, out);
      for (let i = 0; i < count; i++) expect(results[i]).toBe(referenceDotF32(rows[list[i]!]!, q, strideF));
      // Nothing past `count` is written.
      expect(results[count]).toBe(12345);
    }
  });

  it.each([16, 48, 384])('dotI8One and dotI8Four give exact integer dot products at stride %i, extremes included', (stride) => {
    const rnd = random(stride);
    const rowCount = 13;
    const queryCount = 8;
    const { kernels, buffer, alloc } = setup(1 << 20);
    const matrix = alloc(rowCount * stride);
    const queries = alloc(queryCount * stride * 2);
    const rowsAt = alloc(rowCount * 4);
    const out = alloc(queryCount * rowCount * 4 + 16);
    const m = new Int8Array(buffer, matrix, rowCount * stride);
    // Row 0 is all +127 and row 1 all -127; query 0 is all +32767, query 1 all -32767: the largest sums.
    for (let i = 0; i < m.length; i++) m[i] = i < stride ? 127 : i < 2 * stride ? -127 : Math.round(rnd() * 254);
    const q = new Int16Array(buffer, queries, queryCount * stride);
    for (let i = 0; i < q.length; i++) q[i] = i < stride ? 32_767 : i < 2 * stride ? -32_767 : Math.round(rnd() * 65_534);
    const list = new Int32Array(buffer, rowsAt, rowCount);
    list.set(Array.from({ length: rowCount }, (_, i) => rowCount - 1 - i));
    const expected = (query: number, row: number) => {
      let sum = 0;
      for (let j = 0; j < stride; j++) sum += m[row * stride + j]! * q[query * stride + j]!;
      return sum;
    };
    const results = new Int32Array(buffer, out, queryCount * rowCount + 4);
    for (const count of [0, 1, 2, 7, 8, 9, 13]) {
      results.fill(-1);
      kernels.dotI8One(queries + stride * 2, matrix, stride, rowsAt, count, out);
      expect(Array.from(results.subarray(0, count))).toEqual(Array.from(list.subarray(0, count), (row) => expected(1, row)));
      expect(results[count]).toBe(-1);
      results.fill(-1);
      kernels.dotI8Four(queries, queryCount, matrix, stride, rowsAt, count, out);
      for (let query = 0; query < queryCount; query++) {
        const got = Array.from(results.subarray(query * count, (query + 1) * count));
        expect(got).toEqual(Array.from(list.subarray(0, count), (row) => expected(query, row)));
      }
      expect(results[queryCount * count]).toBe(-1);
    }
    expect(expected(0, 0)).toBe(127 * 32_767 * stride);
  });

  it('above returns, in order, exactly the positions whose f32 upper bound reaches the floor', () => {
    const rnd = random(11);
    const count = 1_003;
    const { kernels, buffer, alloc } = setup(1 << 20);
    const dots = alloc((count + 4) * 4);
    const scale = alloc((count + 4) * 4);
    const slack = alloc((count + 4) * 4);
    const base = alloc((count + 4) * 4);
    const hitsAt = alloc(count * 4);
    const d = new Int32Array(buffer, dots, count + 4);
    const s = new Float32Array(buffer, scale, count + 4);
    const e = new Float32Array(buffer, slack, count + 4);
    const b = new Float32Array(buffer, base, count + 4);
    for (let i = 0; i < count + 4; i++) {
      d[i] = Math.round(rnd() * 2 ** 30);
      s[i] = (rnd() + 0.5) * 1e-9;
      // Some rows are always kept (infinite slack); some are zero rows (base -1, scale 0).
      e[i] = i % 97 === 0 ? Infinity : (rnd() + 0.5) * 0.01;
      b[i] = i % 89 === 0 ? -1 : 0;
      if (i % 89 === 0) s[i] = 0;
    }
    const [alpha, beta1, beta2] = [0.8, 1.01, 0.002];
    const f = Math.fround;
    const upper = (i: number) => f(f(f(f(f(alpha) * s[i]!) * f(d[i]!)) + b[i]!) + f(f(f(beta1) * e[i]!) + f(beta2)));
    for (const floor of [-Infinity, -0.5, 0, 0.2, 0.45, Infinity]) {
      for (const n of [0, 1, 3, 4, 5, count]) {
        const hits = kernels.above(dots, n, scale, slack, base, alpha, beta1, beta2, floor, hitsAt);
        const expected = Array.from({ length: n }, (_, i) => i).filter((i) => upper(i) >= f(floor));
        expect(Array.from(new Int32Array(buffer, hitsAt, hits))).toEqual(expected);
      }
    }
    // The thresholds above split the rows: neither none nor all are kept in between.
    const some = kernels.above(dots, count, scale, slack, base, alpha, beta1, beta2, 0.2, hitsAt);
    expect(some).toBeGreaterThan(0);
    expect(some).toBeLessThan(count);
  });
});
