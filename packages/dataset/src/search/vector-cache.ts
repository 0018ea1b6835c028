// An in-memory copy of the dataset's vectors for exact search at memory speed, rebuilt after commits.
import bindings from '@duckdb/node-bindings';
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileFilter } from '../filter/compile.js';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { groupByFilter } from './filter-groups.js';
import type { Ranking } from './ranked.js';
import type { VectorQuery } from './vector-search.js';

/** The default memory budget of the vector cache: past it, searches scan the vectors in DuckDB instead. */
export const DEFAULT_VECTOR_CACHE_BYTES = 1024 ** 3;

/** One committed state of the vectors: ids and a row-major float32 matrix with each row's norm. */
export class VectorSnapshot {
  readonly ids: readonly string[];
  readonly dimensions: number;
  readonly #matrix: Float32Array;
  readonly #norms: Float64Array;
  readonly #positions: Map<string, number>;

  constructor(ids: string[], matrix: Float32Array, dimensions: number) {
    this.ids = ids;
    this.dimensions = dimensions;
    this.#matrix = matrix;
    this.#norms = new Float64Array(ids.length);
    for (let row = 0; row < ids.length; row++) this.#norms[row] = Math.sqrt(dot(matrix, row * dimensions, matrix, row * dimensions, dimensions));
    this.#positions = new Map(ids.map((id, row) => [id, row]));
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
   * Exact cosine top-k for several queries over the same rows (all rows when `rows` is null): each row's
   * vector is read once per block of four queries. Scores match DuckDB's array_cosine_similarity, including
   * -1 for a zero vector; ties go to the smaller uuid.
   */
  search(queries: readonly VectorQuery[], rows: Int32Array | null): Ranking[] {
    const results: Ranking[] = [];
    for (let start = 0; start < queries.length; start += 4) {
      const block = queries.slice(start, start + 4);
      const heaps = block.map((query) => new TopK(query.limit, this.ids));
      if (block.length === 4) this.#scoreFour(block, rows, heaps);
      else for (const [q, query] of block.entries()) this.#scoreOne(query.vector, rows, heaps[q]!);
      for (const heap of heaps) results.push(heap.sorted());
    }
    return results;
  }

  #cosine(sum: number, row: number, queryNorm: number): number {
    const denominator = this.#norms[row]! * queryNorm;
    return denominator === 0 ? -1 : sum / denominator;
  }

  #scoreOne(query: Float32Array, rows: Int32Array | null, heap: TopK): void {
    const dims = this.dimensions;
    const matrix = this.#matrix;
    const queryNorm = Math.sqrt(dot(query, 0, query, 0, dims));
    const count = rows === null ? this.ids.length : rows.length;
    for (let i = 0; i < count; i++) {
      const row = rows === null ? i : rows[i]!;
      heap.offer(row, this.#cosine(dot(matrix, row * dims, query, 0, dims), row, queryNorm));
    }
  }

  /** Four queries per pass: each vector is loaded once for four dot products. */
  #scoreFour(block: readonly VectorQuery[], rows: Int32Array | null, heaps: TopK[]): void {
    const dims = this.dimensions;
    const matrix = this.#matrix;
    const [a, b, c, d] = block.map((query) => query.vector) as [Float32Array, Float32Array, Float32Array, Float32Array];
    const [na, nb, nc, nd] = [a, b, c, d].map((v) => Math.sqrt(dot(v, 0, v, 0, dims))) as [number, number, number, number];
    const [ha, hb, hc, hd] = heaps as [TopK, TopK, TopK, TopK];
    const count = rows === null ? this.ids.length : rows.length;
    for (let i = 0; i < count; i++) {
      const row = rows === null ? i : rows[i]!;
      const offset = row * dims;
      let sa = 0;
      let sb = 0;
      let sc = 0;
      let sd = 0;
      for (let j = 0; j < dims; j++) {
        const x = matrix[offset + j]!;
        sa += x * a[j]!;
        sb += x * b[j]!;
        sc += x * c[j]!;
        sd += x * d[j]!;
      }
      ha.offer(row, this.#cosine(sa, row, na));
      hb.offer(row, this.#cosine(sb, row, nb));
      hc.offer(row, this.#cosine(sc, row, nc));
      hd.offer(row, this.#cosine(sd, row, nd));
    }
  }
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  // Four running sums let the CPU overlap the multiply-adds; the tail handles any dimension count.
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[ai + j]! * b[bi + j]!;
    s1 += a[ai + j + 1]! * b[bi + j + 1]!;
    s2 += a[ai + j + 2]! * b[bi + j + 2]!;
    s3 += a[ai + j + 3]! * b[bi + j + 3]!;
  }
  for (; j < n; j++) s0 += a[ai + j]! * b[bi + j]!;
  return s0 + s1 + s2 + s3;
}

/** The best `k` rows by score (ties to the smaller uuid), kept in a min-heap of the worst-first. */
class TopK {
  readonly #k: number;
  readonly #ids: readonly string[];
  readonly #rows: number[] = [];
  readonly #scores: number[] = [];

  constructor(k: number, ids: readonly string[]) {
    this.#k = k;
    this.#ids = ids;
  }

  /** True when (sa, ra) ranks below (sb, rb). */
  #worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa < sb || (sa === sb && this.#ids[ra]! > this.#ids[rb]!);
  }

  offer(row: number, score: number): void {
    const rows = this.#rows;
    const scores = this.#scores;
    if (rows.length < this.#k) {
      rows.push(row);
      scores.push(score);
      let i = rows.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.#worse(scores[i]!, rows[i]!, scores[parent]!, rows[parent]!)) break;
        this.#swap(i, parent);
        i = parent;
      }
      return;
    }
    if (!this.#worse(scores[0]!, rows[0]!, score, row)) return;
    rows[0] = row;
    scores[0] = score;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < rows.length && this.#worse(scores[left]!, rows[left]!, scores[worst]!, rows[worst]!)) worst = left;
      if (right < rows.length && this.#worse(scores[right]!, rows[right]!, scores[worst]!, rows[worst]!)) worst = right;
      if (worst === i) return;
      this.#swap(i, worst);
      i = worst;
    }
  }

  #swap(i: number, j: number): void {
    [this.#rows[i], this.#rows[j]] = [this.#rows[j]!, this.#rows[i]!];
    [this.#scores[i], this.#scores[j]] = [this.#scores[j]!, this.#scores[i]!];
  }

  sorted(): Ranking {
    return this.#rows
      .map((row, i) => ({ uuid: this.#ids[row]!, score: this.#scores[i]! }))
      .sort((x, y) => y.score - x.score || (x.uuid < y.uuid ? -1 : 1));
  }
}

/**
 * Holds the latest VectorSnapshot of a dataset. Every committed write bumps the version; the next search
 * loads a fresh snapshot in one read transaction. Datasets whose vectors exceed the budget are not cached.
 */
export class VectorCache {
  readonly #maxBytes: number;
  #version = 0;
  #snapshot: { version: number; snapshot: VectorSnapshot } | null = null;
  #loading: { version: number; promise: Promise<VectorSnapshot | null> } | null = null;

  constructor(maxBytes = DEFAULT_VECTOR_CACHE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Marks the cached vectors stale; called after every commit that wrote records. */
  invalidate(): void {
    this.#version++;
    this.#snapshot = null;
  }

  /** The current snapshot, loading it through `connection` when stale; null when over budget. */
  async snapshot(connection: DuckDBConnection, dimensions: number): Promise<VectorSnapshot | null> {
    const version = this.#version;
    if (this.#snapshot?.version === version) return this.#snapshot.snapshot;
    if (this.#loading?.version !== version) {
      const promise = load(connection, dimensions, this.#maxBytes);
      this.#loading = { version, promise };
      promise.then(
        (snapshot) => {
          if (snapshot !== null && this.#version === version) this.#snapshot = { version, snapshot };
        },
        () => {},
      );
    }
    return this.#loading.promise;
  }
}

async function load(connection: DuckDBConnection, dimensions: number, maxBytes: number): Promise<VectorSnapshot | null> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const counted = await connection.runAndReadAll(`SELECT count(*) FROM ${DOCUMENTS_TABLE} WHERE embedding IS NOT NULL`);
    const total = Number(counted.getRows()[0]?.[0] ?? 0);
    if (total * dimensions * 4 > maxBytes) return null;
    const matrix = new Float32Array(total * dimensions);
    const bytes = new Uint8Array(matrix.buffer);
    const ids: string[] = [];
    const result = await connection.stream(`SELECT uuid, embedding FROM ${DOCUMENTS_TABLE} WHERE embedding IS NOT NULL`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const rows = chunk.rowCount;
      const rowBytes = rows * dimensions * 4;
      // The vectors arrive as one contiguous float buffer per chunk: copy it whole, not value by value.
      const child = bindings.array_vector_get_child(bindings.data_chunk_get_vector(chunk.chunk, 1));
      bytes.set(bindings.vector_get_data(child, rowBytes).subarray(0, rowBytes), ids.length * dimensions * 4);
      for (const id of chunk.getColumnValues(0)) ids.push(id as string);
    }
    return new VectorSnapshot(ids, matrix, dimensions);
  } finally {
    await connection.run('COMMIT');
  }
}

/** Runs vector queries on a snapshot, finding each distinct filter's rows with one SQL query. */
export async function snapshotSearch(connection: DuckDBConnection, snapshot: VectorSnapshot, queries: readonly VectorQuery[]): Promise<Ranking[]> {
  const byFilter = groupByFilter(queries.map((query) => query.filter));
  const rankings: Ranking[] = new Array(queries.length);
  for (const [filter, indexes] of byFilter) {
    let rows: Int32Array | null = null;
    if (filter !== '') {
      const params = new SqlParams();
      const where = compileFilter(filter, { params, hasEmbedding: true });
      const reader = await connection.runAndReadAll(
        `SELECT uuid FROM ${DOCUMENTS_TABLE} WHERE ${where}`,
        params.values,
        params.types,
      );
      rows = snapshot.rowsOf(reader.getRows().map((row) => row[0] as string));
    }
    const results = snapshot.search(indexes.map((i) => queries[i]!), rows);
    indexes.forEach((queryIndex, i) => {
      rankings[queryIndex] = results[i]!;
    });
  }
  return rankings;
}
