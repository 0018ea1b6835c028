// An in-memory copy of the dataset's vectors for exact search at memory speed, rebuilt after commits.
import bindings from '@duckdb/node-bindings';
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileFilter } from '../filter/compile.js';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { groupByFilter } from './filter-groups.js';
import type { Ranking } from './ranked.js';
import type { VectorQuery } from './vector-search.js';
import { PatchedSnapshot, type VectorChanges } from './patched-snapshot.js';
import { SnapshotCache } from './snapshot-cache.js';
import { VectorSnapshot } from './vector-snapshot.js';

/**
 * The default memory budget of the vector cache (the f32 and i8 copies with their bounds, see VectorSnapshot):
 * past it, searches scan the vectors in DuckDB instead.
 */
export const DEFAULT_VECTOR_CACHE_BYTES = 1024 ** 3;

/**
 * Holds the latest vectors of a dataset for search (a SnapshotCache of PatchedSnapshots): a commit whose
 * vector changes are known (see DatasetTransaction.vectorChanges) is laid over the snapshot at the next search,
 * so adding or deleting a few records does not reload every vector; any other commit, or changes too large for
 * an overlay, make the next search load a fresh snapshot. Datasets whose vectors exceed the budget are not
 * cached.
 */
export class VectorCache {
  readonly #cache: SnapshotCache<Float32Array, PatchedSnapshot>;

  constructor(maxBytes = DEFAULT_VECTOR_CACHE_BYTES) {
    this.#cache = new SnapshotCache(maxBytes);
  }

  /** Marks the cached vectors stale; the next search loads them afresh. */
  invalidate(): void {
    this.#cache.invalidate();
  }

  /** Records a commit that wrote records, with its vector changes (null: unknown, reload). */
  committed(changes: VectorChanges | null): void {
    this.#cache.committed(changes);
  }

  /** The current snapshot, loading it through `connection` when stale; null when over budget. */
  snapshot(connection: DuckDBConnection, dimensions: number): Promise<PatchedSnapshot | null> {
    return this.#cache.snapshot(connection, async (reader, maxBytes) => {
      const snapshot = await load(reader, dimensions, maxBytes);
      return snapshot === null ? null : PatchedSnapshot.of(snapshot);
    });
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

/** Runs vector queries on a snapshot, finding each distinct filter's records with one SQL query. */
export async function snapshotSearch(connection: DuckDBConnection, snapshot: PatchedSnapshot, queries: readonly VectorQuery[]): Promise<Ranking[]> {
  const byFilter = groupByFilter(queries.map((query) => query.filter));
  const rankings: Ranking[] = new Array(queries.length);
  for (const [filter, indexes] of byFilter) {
    let ids: string[] | null = null;
    if (filter !== '') {
      const params = new SqlParams();
      const where = compileFilter(filter, { params, hasEmbedding: true });
      const reader = await connection.runAndReadAll(
        `SELECT uuid FROM ${DOCUMENTS_TABLE} WHERE ${where}`,
        params.values,
        params.types,
      );
      ids = reader.getRows().map((row) => row[0] as string);
    }
    const results = snapshot.search(indexes.map((i) => queries[i]!), ids);
    indexes.forEach((queryIndex, i) => {
      rankings[queryIndex] = results[i]!;
    });
  }
  return rankings;
}
