// BM25 text search over the inverted index tables, many queries in one statement: the path of searches inside
// a transaction and of indexes over the text cache's budget (others rank from memory, see text-cache.ts).
import { DOUBLE, type DuckDBConnection, INTEGER, LIST, listValue } from '@duckdb/node-api';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { tokenize } from '../text/tokenize.js';
import { perQueryFilter } from './filter-groups.js';
import { groupRankings, type Ranking } from './ranked.js';
import type { Bm25Options } from './search-types.js';
import { LENGTHS_TABLE, POSTINGS_TABLE } from './text-index.js';

/** One text query: the text, its filter and how many hits it wants. */
export interface TextQuery {
  readonly text: string;
  readonly filter: string | null;
  readonly hasEmbedding: boolean;
  readonly limit: number;
}

/**
 * Ranks records by BM25 for each query:
 *   score(D, Q) = Σ_{t ∈ Q} idf(t) · tf(t, D) · (k1 + 1) / (tf(t, D) + k1 · (1 − b + b · |D| / avgdl))
 *   idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5))
 * Q is the set of distinct query terms; N, df and avgdl cover every indexed record, so a filter changes which
 * records compete, not their scores. Only records containing at least one query term are ranked.
 */
export async function textSearch(connection: DuckDBConnection, queries: readonly TextQuery[], options: Bm25Options = {}): Promise<Ranking[]> {
  const qids: number[] = [];
  const terms: string[] = [];
  queries.forEach((query, qid) => {
    for (const term of new Set(tokenize(query.text))) {
      qids.push(qid);
      terms.push(term);
    }
  });
  if (terms.length === 0) return queries.map(() => []);
  const params = new SqlParams();
  const qidList = params.add(listValue(qids), LIST(INTEGER));
  const termList = params.add(listValue(terms));
  const k1 = params.add(options.k1 ?? 1.2, DOUBLE);
  const b = params.add(options.b ?? 0.75, DOUBLE);
  const limits = params.add(listValue(queries.map((query) => query.limit)), LIST(INTEGER));
  const filters = perQueryFilter(
    queries.map((query) => query.filter),
    's.qid',
    'd',
    params,
    queries.some((query) => query.hasEmbedding),
  );
  // Without filters the records table is not needed at all: the index alone ranks.
  const from = filters === null ? 's' : `s JOIN ${DOCUMENTS_TABLE} d ON d.uuid = s.uuid WHERE ${filters}`;
  const sql = `
    WITH q AS (SELECT unnest(${qidList}::INTEGER[]) AS qid, unnest(${termList}::VARCHAR[]) AS term),
    stats AS (SELECT count(*)::DOUBLE AS n, avg(length)::DOUBLE AS avgdl FROM ${LENGTHS_TABLE}),
    hits AS (SELECT p.term, p.uuid, p.tf FROM ${POSTINGS_TABLE} p WHERE p.term IN (SELECT DISTINCT term FROM q)),
    df AS (SELECT term, count(*)::DOUBLE AS df FROM hits GROUP BY term),
    s AS (
      SELECT q.qid, h.uuid,
             sum(ln(1 + (stats.n - df.df + 0.5) / (df.df + 0.5))
                 * h.tf * (${k1} + 1) / (h.tf + ${k1} * (1 - ${b} + ${b} * l.length / stats.avgdl))) AS score
      FROM q JOIN hits h ON h.term = q.term JOIN df ON df.term = q.term
             JOIN ${LENGTHS_TABLE} l ON l.uuid = h.uuid CROSS JOIN stats
      GROUP BY q.qid, h.uuid)
    SELECT s.qid, s.uuid, s.score FROM ${from}
    QUALIFY row_number() OVER (PARTITION BY s.qid ORDER BY s.score DESC, s.uuid) <= list_extract(${limits}, s.qid + 1)
    ORDER BY s.qid, s.score DESC, s.uuid`;
  const reader = await connection.runAndReadAll(sql, params.values, params.types);
  return groupRankings(reader.getRows(), queries.length);
}
