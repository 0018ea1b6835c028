// Corpus statistics from the BM25 index: how many records it holds and how many of them contain each term.
import { type DuckDBConnection, listValue } from '@duckdb/node-api';
import { SqlParams } from '../sql/params.js';
import { LENGTHS_TABLE, POSTINGS_TABLE } from './text-index.js';

/** What the text index knows about a set of terms, for TF-IDF style weighting. */
export interface TermStatistics {
  /** Records the text index holds (every record, chunks included; empty ones too). */
  readonly documents: number;
  /** For every distinct term asked: how many indexed records contain it (0 when none does). */
  readonly documentFrequency: Map<string, number>;
}

/**
 * Reads the record count and the document frequency of each of `terms` in one statement, so both come from
 * the same snapshot. Terms are matched exactly as given: pass them as `tokenize` yields them (NFKC, lower-case).
 */
export async function readTermStatistics(connection: DuckDBConnection, terms: readonly string[]): Promise<TermStatistics> {
  const distinct = [...new Set(terms)];
  const documentFrequency = new Map(distinct.map((term) => [term, 0]));
  const params = new SqlParams();
  // The count row has a NULL term; it is the one row that every result holds.
  const dfPart =
    distinct.length === 0
      ? ''
      : ` UNION ALL SELECT term, count(*) FROM ${POSTINGS_TABLE} WHERE term IN (SELECT unnest(${params.add(listValue(distinct))}::VARCHAR[])) GROUP BY term`;
  const reader = await connection.runAndReadAll(
    `SELECT NULL::VARCHAR AS term, count(*) AS n FROM ${LENGTHS_TABLE}${dfPart}`,
    params.values,
    params.types,
  );
  let documents = 0;
  for (const [term, count] of reader.getRows()) {
    if (term === null) documents = Number(count);
    else documentFrequency.set(term as string, Number(count));
  }
  return { documents, documentFrequency };
}
