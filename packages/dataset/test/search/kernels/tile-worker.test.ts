import { describe, expect, it } from 'vitest';
import { shareTiles } from '../../../src/search/kernels/tile-worker.js';
import { vectorKernels, wasmMemory } from '../../../src/search/kernels/vector-kernels.js';

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

const [STRIDE, ROWS, QUERIES, TILE_ROWS] = [48, 1_001, 8, 64];
const TILES = Math.ceil(ROWS / TILE_ROWS);

/** A memory holding i8 rows, i16 queries, a row list (in reverse) and a runTiles job over all of them. */
function job() {
  const memory = wasmMemory(4 * 65_536);
  const kernels = vectorKernels(memory);
  const i32 = new Int32Array(memory.buffer);
  const rnd = random(5);
  const [matrix, queries, list, out, control, flags] = [1_024, 65_536, 100_000, 110_000, 180_000, 181_000];
  const m = new Int8Array(memory.buffer, matrix, ROWS * STRIDE);
  m.forEach((_, i) => { m[i] = Math.round(rnd() * 254); });
  const q = new Int16Array(memory.buffer, queries, QUERIES * STRIDE);
  q.forEach((_, i) => { q[i] = Math.round(rnd() * 65_534); });
  i32.set(Array.from({ length: ROWS }, (_, i) => ROWS - 1 - i), list / 4);
  const slotBytes = QUERIES * TILE_ROWS * 4;
  // Words: next, done, tiles, queries, query count, matrix, stride, list, count, rows per tile, out, out stride, flags.
  i32.set([2 ** 30, 0, TILES, queries, QUERIES, matrix, STRIDE, list, ROWS, TILE_ROWS, out, slotBytes, flags], control / 4);
  const expected = (tile: number) => {
    const start = tile * TILE_ROWS;
    const rows = Math.min(TILE_ROWS, ROWS - start);
    return Array.from({ length: QUERIES * rows }, (_, k) => {
      const [query, row] = [Math.floor(k / rows), ROWS - 1 - (start + (k % rows))];
      let sum = 0;
      for (let j = 0; j < STRIDE; j++) sum += m[row * STRIDE + j]! * q[query * STRIDE + j]!;
      return sum;
    });
  };
  const got = (tile: number) => {
    const rows = Math.min(TILE_ROWS, ROWS - tile * TILE_ROWS);
    return Array.from(new Int32Array(memory.buffer, out + tile * slotBytes, QUERIES * rows));
  };
  /** Waits (up to 30 s without progress) until every tile is done. */
  const finished = () => {
    for (let done = Atomics.load(i32, control / 4 + 1); done < TILES; done = Atomics.load(i32, control / 4 + 1)) {
      if (Atomics.wait(i32, control / 4 + 1, done, 30_000) === 'timed-out') throw new Error(`only ${done} of ${TILES} tiles were done`);
    }
  };
  const open = () => Atomics.store(i32, control / 4, 0);
  return { memory, kernels, i32, control, flags, expected, got, finished, open };
}

describe('tile worker', () => {
  it('runs a whole job on the helper thread, each tile once, as the kernels do in this thread', () => {
    const { memory, i32, control, flags, expected, got, finished, open } = job();
    open();
    shareTiles(memory, control);
    finished();
    for (let tile = 0; tile < TILES; tile++) expect(got(tile)).toEqual(expected(tile));
    expect(Array.from(i32.subarray(flags / 4, flags / 4 + TILES))).toEqual(new Array(TILES).fill(1));
    expect(i32[control / 4 + 1]).toBe(TILES);
  });

  it('shares a job with this thread: together they do every tile exactly once', () => {
    const { memory, kernels, i32, control, flags, expected, got, finished, open } = job();
    open();
    shareTiles(memory, control);
    kernels.runTiles(control);
    finished();
    for (let tile = 0; tile < TILES; tile++) expect(got(tile)).toEqual(expected(tile));
    expect(Array.from(i32.subarray(flags / 4, flags / 4 + TILES))).toEqual(new Array(TILES).fill(1));
    // Each tile was claimed once: more claims would have counted more than TILES done.
    expect(i32[control / 4 + 1]).toBe(TILES);
  });

  it('claims nothing while a job is closed (the next-tile word at or past the tile count)', () => {
    const { kernels, i32, control } = job();
    kernels.runTiles(control);
    expect(i32[control / 4 + 1]).toBe(0);
  });
});
