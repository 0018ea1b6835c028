// An in-memory copy of the dataset's vectors for exact search at memory speed, rebuilt after commits.
import bindings from '@duckdb/node-bindings';
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileFilter } from '../filter/compile.js';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { groupByFilter } from './filter-groups.js';
import type { Ranking } from './ranked.js';
import type { VectorQuery } from './vector-search.js';
import { VectorSnapshot } from './vector-snapshot.js';

/**
 * The default memory budget of the vector cache (the f32 and i8 copies with their bounds, see VectorSnapshot):
 * past it, searches scan the vectors in DuckDB instead.
 */
export const DEFAULT_VECTOR_CACHE_BYTES = 1024 ** 3;

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
    const writer = VectorSnapshot.writer(total, dimensions, maxBytes);
    if (writer === null) return null;
    const result = await connection.stream(`SELECT uuid, embedding FROM ${DOCUMENTS_TABLE} WHERE embedding IS NOT NULL`);
    for (;;) {
      const chunk = await result.fetchChunk();
      if (chunk === null || chunk.rowCount === 0) break;
      const rowBytes = chunk.rowCount * dimensions * 4;
      // The vectors arrive as one contiguous float buffer per chunk: copy it whole, not value by value.
      const child = bindings.array_vector_get_child(bindings.data_chunk_get_vector(chunk.chunk, 1));
      writer.append(chunk.getColumnValues(0) as string[], bindings.vector_get_data(child, rowBytes));
    }
    return writer.finish();
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
