// One committed state of the vectors in WebAssembly memory, searched exactly: an int8 pass bounds every
// score (score-bounds.ts), then only the rows whose upper bound reaches the k-th best are scored in f32.
import { shareTiles, startTileHelper } from './kernels/tile-worker.js';
import { MAX_WASM_BYTES, vectorKernels, type VectorKernels, WASM_PAGE_BYTES, type WasmMemory, wasmMemory } from './kernels/vector-kernels.js';
import type { Ranking } from './ranked.js';
import { queryBound, type QueryBound, RowBounds } from './score-bounds.js';
import { TopK } from './top-k.js';
import type { VectorQuery } from './vector-search.js';

// Queries bounded together in one pass over the i8 rows: each tile of rows is read from memory once for all of
// them, and their dot products for every tile (QUERY_GROUP x 4 bytes per row) are kept until filtered.
const QUERY_GROUP = 16;
// Rows per kernel call: one tile of i8 rows stays in the core's L2 cache while every block of four queries
// reads it.
const TILE_BYTES = 512 * 1024;
// A pass is shared with the helper thread when it has at least this many queries (a block of four is
// compute-bound; one query only streams memory, which a second core barely speeds up).
const SHARED_QUERIES = 4;
// Words of the control block of runTiles (vector-kernels.wat).
const [NEXT, DONE, TILES, QUERIES, QUERY_COUNT, MATRIX, STRIDE, LIST, COUNT, TILE_ROWS, OUT, OUT_STRIDE, FLAGS] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
];
// Stored in NEXT while a job is being written: no tile can be claimed.
const CLOSED = 2 ** 30;
// The f32 prefilter (kernel `above`) keeps every row whose f32 upper bound is within this of the threshold.
// Its inputs are all below about 3 in size and it rounds about ten times, so its error is under 2⁻¹⁹; the
// margin is 2⁹ times that, and a row it keeps is checked again in f64.
const PREFILTER_MARGIN = 2 ** -10;

/** Where each part of a snapshot lives in its WebAssembly memory, in bytes. */
export interface SnapshotLayout {
  /** Whether the i8 copy and its bounds are kept. */
  readonly quantized: boolean;
  readonly strideF: number;
  readonly stride8: number;
  readonly tileRows: number;
  /** f32 rows, strideF floats apart. */
  readonly f32: number;
  /** i8 rows, stride8 bytes apart (quantized snapshots only). */
  readonly i8: number;
  /** Row numbers 0..count-1: the list that searches all rows. */
  readonly allRows: number;
  /** A filter's rows. */
  readonly filterRows: number;
  /** The rows an exact pass scores, and their f32 dot products. */
  readonly exactRows: number;
  readonly exactOut: number;
  /** One f32 query for the exact pass, and a group of i16 queries for the i8 pass. */
  readonly queryF32: number;
  readonly queriesI16: number;
  /** The i8 pass's integer dot products for every tile, each QUERY_GROUP x tileRows, `slotBytes` apart. */
  readonly tileOut: number;
  readonly slotBytes: number;
  /** The control block of runTiles and its per-tile done flags. */
  readonly control: number;
  readonly flags: number;
  /** The prefilter's positions for one query and tile. */
  readonly hits: number;
  /** The bound terms as f32 (RowBounds' scale, slack and base), by row and in a filter's row order. */
  readonly scale: number;
  readonly slack: number;
  readonly base: number;
  readonly filterScale: number;
  readonly filterSlack: number;
  readonly filterBase: number;
  readonly wasmBytes: number;
  /** Memory outside WebAssembly: the norms and, when quantized, the bound terms (f64 per row each). */
  readonly jsBytes: number;
}

function layout(count: number, dimensions: number, quantized: boolean): SnapshotLayout {
  const strideF = Math.ceil(dimensions / 4) * 4;
  const stride8 = Math.ceil(dimensions / 16) * 16;
  const tileRows = Math.max(16, Math.floor(TILE_BYTES / stride8));
  let at = 0;
  const take = (bytes: number): number => {
    const start = at;
    at += Math.ceil(bytes / 16) * 16;
    return start;
  };
  const f32 = take(count * strideF * 4);
  const i8 = take(quantized ? count * stride8 : 0);
  const allRows = take(count * 4);
  const filterRows = take(count * 4);
  const exactRows = take(count * 4);
  const exactOut = take(count * 4);
  const queryF32 = take(strideF * 4);
  const queriesI16 = take(quantized ? QUERY_GROUP * stride8 * 2 : 0);
  const tiles = Math.ceil(count / tileRows);
  const slotBytes = QUERY_GROUP * tileRows * 4;
  const tileOut = take(quantized ? tiles * slotBytes : 0);
  const control = take(64);
  const flags = take(tiles * 4);
  const hits = take(quantized ? tileRows * 4 : 0);
  // The prefilter reads whole quads: each terms array gets room for 3 more entries.
  const terms = quantized ? (count + 4) * 4 : 0;
  const scale = take(terms);
  const slack = take(terms);
  const base = take(terms);
  const filterScale = take(terms);
  const filterSlack = take(terms);
  const filterBase = take(terms);
  const wasmBytes = Math.max(1, Math.ceil(at / WASM_PAGE_BYTES)) * WASM_PAGE_BYTES;
  return {
    quantized, strideF, stride8, tileRows, f32, i8, allRows, filterRows, exactRows, exactOut, queryF32, queriesI16, tileOut, slotBytes,
    control, flags, hits, scale, slack, base, filterScale, filterSlack, filterBase, wasmBytes, jsBytes: count * (quantized ? 32 : 8),
  };
}

/** Addresses of the f32 bound terms (scale, slack, base) in the order of a row list. */
interface TermLists {
  readonly scale: number;
  readonly slack: number;
  readonly base: number;
}

/** Fills a snapshot's memory chunk by chunk as the vectors are read, then builds it. */
export class SnapshotWriter {
  readonly #ids: string[] = [];
  readonly #count: number;
  readonly #dimensions: number;
  readonly #layout: SnapshotLayout;
  readonly #memory: WasmMemory;
  readonly #bytes: Uint8Array;

  /** Use VectorSnapshot.writer. */
  constructor(count: number, dimensions: number, layout: SnapshotLayout) {
    this.#count = count;
    this.#dimensions = dimensions;
    this.#layout = layout;
    this.#memory = wasmMemory(layout.wasmBytes);
    this.#bytes = new Uint8Array(this.#memory.buffer);
  }

  /** Appends rows: their ids and their vectors as little-endian f32 bytes, `dimensions` floats per row. */
  append(ids: readonly string[], vectors: Uint8Array): void {
    if (this.#ids.length + ids.length > this.#count) throw new Error(`the snapshot was sized for ${this.#count} vectors; more were appended`);
    const rowBytes = this.#dimensions * 4;
    const strideBytes = this.#layout.strideF * 4;
    const at = this.#layout.f32 + this.#ids.length * strideBytes;
    // Unpadded rows arrive in the layout they are stored in: copy them whole, not row by row.
    if (rowBytes === strideBytes) this.#bytes.set(vectors.subarray(0, ids.length * rowBytes), at);
    else for (let i = 0; i < ids.length; i++) this.#bytes.set(vectors.subarray(i * rowBytes, (i + 1) * rowBytes), at + i * strideBytes);
    for (const id of ids) this.#ids.push(id);
  }

  /** The snapshot of every appended row. */
  finish(): VectorSnapshot {
    if (this.#ids.length !== this.#count) throw new Error(`the snapshot was sized for ${this.#count} vectors but got ${this.#ids.length}`);
    return new VectorSnapshot(this.#ids, this.#dimensions, this.#layout, this.#memory);
  }
}

/** Bound state of one query during the i8 pass: the k best lower bounds and the rows that may beat them. */
class Candidates {
  /** The k-th best lower bound so far: rows whose upper bound is below it cannot be in the top k. */
  threshold = -Infinity;
  readonly bound: QueryBound;
  readonly #k: number;
  readonly #lower: Float64Array;
  #lowerCount = 0;
  #rows: Int32Array;
  #upper: Float64Array;
  #count = 0;

  constructor(bound: QueryBound, k: number) {
    this.bound = bound;
    this.#k = k;
    this.#lower = new Float64Array(k);
    this.#rows = new Int32Array(Math.max(64, 2 * k));
    this.#upper = new Float64Array(this.#rows.length);
  }

  /** Records a row whose bounds are [lower, upper] (upper >= threshold); returns the new threshold. */
  add(row: number, lower: number, upper: number): number {
    if (this.#count === this.#rows.length) this.#compact();
    this.#rows[this.#count] = row;
    this.#upper[this.#count++] = upper;
    // A min-heap of the k best lower bounds; its root is the threshold once it holds k.
    const heap = this.#lower;
    if (this.#lowerCount < this.#k) {
      let i = this.#lowerCount++;
      while (i > 0 && heap[(i - 1) >> 1]! > lower) {
        heap[i] = heap[(i - 1) >> 1]!;
        i = (i - 1) >> 1;
      }
      heap[i] = lower;
    } else if (lower > heap[0]!) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= this.#k) break;
        const child = left + 1 < this.#k && heap[left + 1]! < heap[left]! ? left + 1 : left;
        if (heap[child]! >= lower) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = lower;
    }
    if (this.#lowerCount === this.#k) this.threshold = heap[0]!;
    return this.threshold;
  }

  /** The rows that may be in the top k: those whose upper bound reaches the final threshold. */
  rows(): Int32Array {
    this.#compact();
    return this.#rows.subarray(0, this.#count);
  }

  // Drops rows the threshold has since ruled out, and grows the lists if that frees too little.
  #compact(): void {
    let kept = 0;
    for (let i = 0; i < this.#count; i++) {
      if (this.#upper[i]! < this.threshold) continue;
      this.#rows[kept] = this.#rows[i]!;
      this.#upper[kept++] = this.#upper[i]!;
    }
    this.#count = kept;
    if (kept > this.#rows.length / 2) {
      const rows = new Int32Array(this.#rows.length * 2);
      const upper = new Float64Array(rows.length);
      rows.set(this.#rows.subarray(0, kept));
      upper.set(this.#upper.subarray(0, kept));
      this.#rows = rows;
      this.#upper = upper;
    }
  }
}

/**
 * One committed state of the vectors: ids and the vectors in WebAssembly memory (f32, and i8 when the
 * memory budget allows), with each row's norm. Searches are exact; see `search`.
 */
export class VectorSnapshot {
  readonly ids: readonly string[];
  readonly dimensions: number;
  /** True when the i8 first pass is available; otherwise every row is scored in f32. */
  readonly quantized: boolean;
  readonly #layout: SnapshotLayout;
  readonly #memory: WasmMemory;
  readonly #kernels: VectorKernels;
  readonly #f32: Float32Array;
  readonly #i32: Int32Array;
  readonly #i16: Int16Array;
  readonly #norms: Float64Array;
  readonly #bounds: RowBounds | null;
  readonly #positions: Map<string, number>;

  /**
   * A writer for a snapshot of `count` vectors of `dimensions`, or null when even the f32 copy would need
   * more than `maxBytes` (or more than a WebAssembly memory holds). The i8 copy is added when it fits too.
   */
  static writer(count: number, dimensions: number, maxBytes: number): SnapshotWriter | null {
    for (const quantized of [true, false]) {
      const plan = layout(count, dimensions, quantized);
      if (plan.wasmBytes + plan.jsBytes <= maxBytes && plan.wasmBytes <= MAX_WASM_BYTES) return new SnapshotWriter(count, dimensions, plan);
    }
    return null;
  }

  /** Memory a snapshot of `count` vectors of `dimensions` takes, with or without the i8 copy. */
  static bytes(count: number, dimensions: number, quantized: boolean): number {
    const plan = layout(count, dimensions, quantized);
    return plan.wasmBytes + plan.jsBytes;
  }

  /** A snapshot of a row-major matrix (`ids.length` rows of `dimensions`), or null when over `maxBytes`. */
  static fromMatrix(ids: readonly string[], matrix: Float32Array, dimensions: number, maxBytes = Infinity): VectorSnapshot | null {
    const writer = VectorSnapshot.writer(ids.length, dimensions, maxBytes);
    writer?.append(ids, new Uint8Array(matrix.buffer, matrix.byteOffset, ids.length * dimensions * 4));
    return writer?.finish() ?? null;
  }

  /** Use VectorSnapshot.writer or VectorSnapshot.fromMatrix. */
  constructor(ids: readonly string[], dimensions: number, layout: SnapshotLayout, memory: WasmMemory) {
    this.ids = ids;
    this.dimensions = dimensions;
    this.quantized = layout.quantized;
    this.#layout = layout;
    this.#memory = memory;
    this.#kernels = vectorKernels(memory);
    this.#f32 = new Float32Array(memory.buffer);
    this.#i32 = new Int32Array(memory.buffer);
    this.#i16 = new Int16Array(memory.buffer);
    this.#norms = new Float64Array(ids.length);
    this.#bounds = this.quantized ? new RowBounds(ids.length) : null;
    const i8 = new Int8Array(memory.buffer);
    const { strideF, stride8 } = layout;
    const f32 = this.#f32;
    for (let row = 0; row < ids.length; row++) {
      const from = layout.f32 / 4 + row * strideF;
      let sum = 0;
      for (let j = 0; j < dimensions; j++) sum += f32[from + j]! * f32[from + j]!;
      const norm = Math.sqrt(sum);
      this.#norms[row] = norm;
      this.#i32[layout.allRows / 4 + row] = row;
      if (this.#bounds === null) continue;
      this.#bounds.quantize(row, f32, from, dimensions, norm, i8, layout.i8 + row * stride8);
      f32[layout.scale / 4 + row] = this.#bounds.scale[row]!;
      f32[layout.slack / 4 + row] = this.#bounds.slack[row]!;
      f32[layout.base / 4 + row] = this.#bounds.base[row]!;
    }
    this.#positions = new Map(ids.map((id, row) => [id, row]));
    // Booting a thread takes tens of milliseconds: pay it with the snapshot, not in the first large batch.
    if (this.quantized && ids.length > layout.tileRows) startTileHelper();
  }

  /** Whether the snapshot holds a vector for `id`. */
  has(id: string): boolean {
    return this.#positions.has(id);
  }

  /** Rows of the given ids (ids without a vector in this snapshot are skipped), in ascending order. */
  rowsOf(ids: readonly string[]): Int32Array {
    const rows: number[] = [];
    for (const id of ids) {
      const row = this.#positions.get(id);
      if (row !== undefined) rows.push(row);
    }
    return Int32Array.from(rows).sort();
  }

  /**
   * Exact cosine top-k for several queries over the same rows (all rows when `rows` is null). Scores match
   * DuckDB's array_cosine_similarity up to f32 rounding (clamped to [-1, 1], -1 for a zero vector); ties go
   * to the smaller uuid. When quantized, an i8 pass over all rows bounds each score and only the rows that
   * can still make the top k are scored exactly, so the result is the same as scoring every row.
   */
  search(queries: readonly VectorQuery[], rows: Int32Array | null): Ranking[] {
    const plan = this.#layout;
    const count = rows === null ? this.ids.length : rows.length;
    let list = plan.allRows;
    if (rows !== null) {
      this.#i32.set(rows, plan.filterRows / 4);
      list = plan.filterRows;
    }
    const norms = queries.map((query) => Math.sqrt(query.vector.reduce((sum, x) => sum + x * x, 0)));
    const candidates = queries.map((query, q) => {
      const bound = this.quantized ? queryBound(query.vector, norms[q]!, plan.stride8, plan.strideF) : null;
      return bound === null ? null : new Candidates(bound, query.limit);
    });
    const bounded = candidates.filter((c): c is Candidates => c !== null);
    if (bounded.length > 0) {
      const terms = this.#termLists(list, count);
      for (let start = 0; start < bounded.length; start += QUERY_GROUP) {
        this.#boundGroup(bounded.slice(start, start + QUERY_GROUP), list, count, terms);
      }
    }
    return queries.map((query, q) => {
      const group = candidates[q];
      if (group === null || group === undefined) return this.#exact(query, norms[q]!, list, count);
      const chosen = group.rows();
      this.#i32.set(chosen, plan.exactRows / 4);
      return this.#exact(query, norms[q]!, plan.exactRows, chosen.length);
    });
  }

  /** The bound terms in the order of the row list at `list`: the prefilter reads them that way. */
  #termLists(list: number, count: number): TermLists {
    const plan = this.#layout;
    if (list === plan.allRows) return { scale: plan.scale, slack: plan.slack, base: plan.base };
    const f32 = this.#f32;
    const i32 = this.#i32;
    for (let i = 0; i < count; i++) {
      const row = i32[list / 4 + i]!;
      f32[plan.filterScale / 4 + i] = f32[plan.scale / 4 + row]!;
      f32[plan.filterSlack / 4 + i] = f32[plan.slack / 4 + row]!;
      f32[plan.filterBase / 4 + i] = f32[plan.base / 4 + row]!;
    }
    return { scale: plan.filterScale, slack: plan.filterSlack, base: plan.filterBase };
  }

  /** The i8 pass for up to QUERY_GROUP queries over `count` listed rows, a tile at a time. */
  #boundGroup(group: readonly Candidates[], list: number, count: number, terms: TermLists): void {
    const plan = this.#layout;
    const i32 = this.#i32;
    group.forEach((c, q) => { this.#i16.set(c.bound.levels, plan.queriesI16 / 2 + q * plan.stride8); });
    // Blocks of four queries: a partial last block also scores stale queries, whose dots are never read.
    const blocked = group.length === 1 ? 1 : Math.ceil(group.length / 4) * 4;
    const tiles = Math.ceil(count / plan.tileRows);
    const control = plan.control / 4;
    // A helper thread still looping over an earlier job must not claim a tile of a half-written one.
    Atomics.store(i32, control + NEXT, CLOSED);
    i32.fill(0, plan.flags / 4, plan.flags / 4 + tiles);
    i32[control + DONE] = 0;
    i32[control + TILES] = tiles;
    i32[control + QUERIES] = plan.queriesI16;
    i32[control + QUERY_COUNT] = blocked;
    i32[control + MATRIX] = plan.i8;
    i32[control + STRIDE] = plan.stride8;
    i32[control + LIST] = list;
    i32[control + COUNT] = count;
    i32[control + TILE_ROWS] = plan.tileRows;
    i32[control + OUT] = plan.tileOut;
    i32[control + OUT_STRIDE] = plan.slotBytes;
    i32[control + FLAGS] = plan.flags;
    Atomics.store(i32, control + NEXT, 0);
    if (tiles > 1 && group.length >= SHARED_QUERIES) shareTiles(this.#memory, plan.control);
    this.#kernels.runTiles(plan.control);
    // Filter the tiles as they are done, in any order; the helper always finishes a tile it claimed.
    const filtered = new Uint8Array(tiles);
    for (let left = tiles; left > 0; ) {
      const done = Atomics.load(i32, control + DONE);
      for (let tile = 0; tile < tiles; tile++) {
        if (filtered[tile] === 1 || Atomics.load(i32, plan.flags / 4 + tile) === 0) continue;
        filtered[tile] = 1;
        left--;
        this.#filterTile(group, tile, list, count, terms);
      }
      // Returns at once if another tile finished since `done` was read.
      if (left > 0) Atomics.wait(i32, control + DONE, done);
    }
  }

  /** Feeds one tile's rows to each query's candidates: the prefilter in f32, then the bounds in f64. */
  #filterTile(group: readonly Candidates[], tile: number, list: number, count: number, terms: TermLists): void {
    const plan = this.#layout;
    const { scale, slack, base } = this.#bounds!;
    const i32 = this.#i32;
    const start = tile * plan.tileRows;
    const rows = Math.min(plan.tileRows, count - start);
    const tileList = list / 4 + start;
    for (let q = 0; q < group.length; q++) {
      const candidate = group[q]!;
      const { alpha, beta1, beta2 } = candidate.bound;
      const dots = plan.tileOut + tile * plan.slotBytes + q * rows * 4;
      const hits = this.#kernels.above(
        dots,
        rows,
        terms.scale + start * 4,
        terms.slack + start * 4,
        terms.base + start * 4,
        alpha,
        beta1,
        beta2,
        candidate.threshold - PREFILTER_MARGIN,
        plan.hits,
      );
      let threshold = candidate.threshold;
      for (let h = 0; h < hits; h++) {
        const i = i32[plan.hits / 4 + h]!;
        const row = i32[tileList + i]!;
        const center = alpha * scale[row]! * i32[dots / 4 + i]! + base[row]!;
        const width = beta1 * slack[row]! + beta2;
        if (center + width >= threshold) threshold = candidate.add(row, center - width, center + width);
      }
    }
  }

  /** Exact scores of one query for `count` listed rows, and their top k. */
  #exact(query: VectorQuery, norm: number, list: number, count: number): Ranking {
    const plan = this.#layout;
    const at = plan.queryF32 / 4;
    this.#f32.set(query.vector, at);
    // The padding must be zero: the rows' padding is, and 0 x 0 adds nothing to any sum.
    this.#f32.fill(0, at + this.dimensions, at + plan.strideF);
    this.#kernels.dotF32(plan.queryF32, plan.f32, plan.strideF * 4, list, count, plan.exactOut);
    const top = new TopK(query.limit, this.ids);
    const rows = list / 4;
    const out = plan.exactOut / 4;
    for (let i = 0; i < count; i++) {
      const row = this.#i32[rows + i]!;
      const denominator = this.#norms[row]! * norm;
      top.offer(row, denominator === 0 ? -1 : Math.max(-1, Math.min(1, this.#f32[out + i]! / denominator)));
    }
    return top.sorted();
  }
}
