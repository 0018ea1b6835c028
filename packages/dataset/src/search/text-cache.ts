// An in-memory copy of the BM25 index for text search at memory speed, kept current across commits.
import type { DuckDBConnection } from '@duckdb/node-api';
import { compileFilter } from '../filter/compile.js';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { readVarcharColumn } from '../store/chunk-columns.js';
import { tokenize } from '../text/tokenize.js';
import { groupByFilter } from './filter-groups.js';
import { loadTextSnapshot } from './load-text-snapshot.js';
import { PatchedTextSnapshot, type TextChanges } from './patched-text-snapshot.js';
import { SnapshotCache } from './snapshot-cache.js';
import type { Ranking } from './ranked.js';
import type { Bm25Options } from './search-types.js';
import type { TermCounts } from './text-snapshot.js';
import type { TextQuery } from './text-search.js';

/**
 * The default memory budget of the text cache (see TextSnapshot.bytes): 100,000 short summaries of 10 distinct
 * terms each take 20 MB, so it holds about 2.5 million of them, or some 60 million record-term pairs of longer
 * texts. Past it, text searches run in DuckDB instead.
 */
export const DEFAULT_TEXT_CACHE_BYTES = 512 * 1024 ** 2;

/**
 * Holds the latest BM25 index of a dataset for search (a SnapshotCache of PatchedTextSnapshots), as VectorCache
 * does for vectors: a commit whose text changes are known (see DatasetTransaction.textChanges) is laid over the
 * snapshot at the next text search; any other commit, or changes too large for an overlay, make the next text
 * search load a fresh snapshot. Indexes over the budget are not cached.
 */
export class TextCache {
  readonly #cache: SnapshotCache<TermCounts, PatchedTextSnapshot>;

  constructor(maxBytes = DEFAULT_TEXT_CACHE_BYTES) {
    this.#cache = new SnapshotCache(maxBytes);
  }

  /** Marks the cached index stale; the next text search loads it afresh. */
  invalidate(): void {
    this.#cache.invalidate();
  }

  /** Records a commit that wrote records, with its text changes (null: unknown, reload). */
  committed(changes: TextChanges | null): void {
    this.#cache.committed(changes);
  }

  /** The current snapshot, loading it through `connection` when stale; null when over budget. */
  snapshot(connection: DuckDBConnection): Promise<PatchedTextSnapshot | null> {
    return this.#cache.snapshot(connection, async (reader, maxBytes) => {
      const snapshot = await loadTextSnapshot(reader, maxBytes);
      return snapshot === null ? null : PatchedTextSnapshot.of(snapshot);
    });
  }
}

/** The uuids of the records matching a filter, read a data chunk at a time. */
async function filterIds(connection: DuckDBConnection, filter: string, hasEmbedding: boolean): Promise<string[]> {
  const params = new SqlParams();
  const where = compileFilter(filter, { params, hasEmbedding });
  const result = await connection.stream(`SELECT uuid FROM ${DOCUMENTS_TABLE} WHERE ${where}`, params.values, params.types);
  const ids: string[] = [];
  for (;;) {
    const chunk = await result.fetchChunk();
    if (chunk === null || chunk.rowCount === 0) return ids;
    for (const id of readVarcharColumn(chunk, 0, chunk.rowCount)) ids.push(id!);
  }
}

/**
 * Runs text queries on a snapshot, finding each distinct filter's records with one SQL query; ranks as
 * textSearch does.
 */
export async function snapshotTextSearch(
  connection: DuckDBConnection,
  snapshot: PatchedTextSnapshot,
  queries: readonly TextQuery[],
  options: Bm25Options = {},
): Promise<Ranking[]> {
  const byFilter = groupByFilter(queries.map((query) => query.filter));
  const rankings: Ranking[] = new Array(queries.length);
  for (const [filter, indexes] of byFilter) {
    const termQueries = indexes.map((i) => ({ terms: [...new Set(tokenize(queries[i]!.text))], limit: queries[i]!.limit }));
    // Queries without a term rank nothing: their filter need not be run.
    const ranked = termQueries.some((query) => query.terms.length > 0);
    const ids = filter === '' || !ranked ? null : await filterIds(connection, filter, queries[indexes[0]!]!.hasEmbedding);
    const results = snapshot.search(termQueries, ids, options);
    indexes.forEach((queryIndex, i) => {
      rankings[queryIndex] = results[i]!;
    });
  }
  return rankings;
}
