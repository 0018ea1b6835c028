// Exact vector search: cosine similarity over the FLOAT[n] column, many queries in one pass over the vectors.
import { type DuckDBConnection, FLOAT, INTEGER, LIST, listValue } from '@duckdb/node-api';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { perQueryFilter } from './filter-groups.js';
import { groupRankings, type Ranking } from './ranked.js';

/** One vector query: the vector, its filter and how many hits it wants. */
export interface VectorQuery {
  readonly vector: Float32Array;
  readonly filter: string | null;
  readonly limit: number;
}

/**
 * Ranks records by cosine similarity to each query vector. All queries share one scan of the embeddings:
 * the query vectors are joined to the records and each query's filter limits its own pairs, before
 * ranking, so every top-k is exact among the records that match its filter. Ties go to the smaller uuid.
 */
export async function vectorSearch(connection: DuckDBConnection, queries: readonly VectorQuery[], dimensions: number): Promise<Ranking[]> {
  if (queries.length === 0) return [];
  const params = new SqlParams();
  const vectors = params.add(listValue(queries.map((query) => listValue(Array.from(query.vector)))), LIST(LIST(FLOAT)));
  const limits = params.add(listValue(queries.map((query) => query.limit)), LIST(INTEGER));
  const filters = perQueryFilter(
    queries.map((query) => query.filter),
    'q.qid',
    'd',
    params,
    true,
  );
  // `qid` and `dimensions` are integers this function made or checked; everything else is a parameter.
  const sql = `
    WITH q AS (SELECT unnest(range(${queries.length})) AS qid, unnest(${vectors}::FLOAT[${dimensions}][]) AS v)
    SELECT qid, uuid, score FROM (
      SELECT q.qid, d.uuid, array_cosine_similarity(d.embedding, q.v) AS score
      FROM ${DOCUMENTS_TABLE} d, q
      WHERE d.embedding IS NOT NULL${filters === null ? '' : ` AND (${filters})`})
    -- DuckDB scores a zero vector -1 (it has no direction); NaN can only come from corrupt data.
    WHERE NOT isnan(score)
    QUALIFY row_number() OVER (PARTITION BY qid ORDER BY score DESC, uuid) <= list_extract(${limits}, qid + 1)
    ORDER BY qid, score DESC, uuid`;
  const reader = await connection.runAndReadAll(sql, params.values, params.types);
  return groupRankings(reader.getRows(), queries.length);
}
