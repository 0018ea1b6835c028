// The BM25 inverted index: postings and document lengths in DuckDB tables, kept current inside every write.
import { type DuckDBConnection, DuckDBDataChunk, INTEGER, VARCHAR, listValue } from '@duckdb/node-api';
import { appendChunks } from '../store/append-chunks.js';
import type { StoredRow } from '../store/record-codec.js';
import type { WriteHooks } from '../store/dataset-transaction.js';
import { SqlParams } from '../sql/params.js';
import { tokenize } from '../text/tokenize.js';

/** Term occurrences per record: one row per (term, record). */
export const POSTINGS_TABLE = 'cf_postings';
/** Indexed length (in terms) of each record. */
export const LENGTHS_TABLE = 'cf_doc_lengths';


/** The text of a record that text search sees: title, context, content and tags, in that order. */
export function indexedText(row: { readonly title: string | null; readonly context: string | null; readonly content: string; readonly tags: readonly string[] }): string {
  return [row.title ?? '', row.context ?? '', row.content, row.tags.join(' ')].join('\n');
}

/** Counts each term of a token list. */
export function termFrequencies(tokens: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/** Appends equal-length columns of plain values (strings and integers) to `table`. */
function appendColumns(
  connection: DuckDBConnection,
  table: string,
  types: Parameters<typeof DuckDBDataChunk.create>[0],
  columns: readonly (readonly (string | number)[])[],
): Promise<void> {
  return appendChunks(connection, table, columns[0]?.length ?? 0, (start, end) => {
    const chunk = DuckDBDataChunk.create(types, end - start);
    chunk.setColumns(columns.map((column) => column.slice(start, end)));
    return chunk;
  });
}

/**
 * Maintains the inverted index as a WriteHooks: every insert adds the record's postings and length, every
 * delete removes them, in the writing transaction, so the index commits and rolls back with the records.
 */
export class TextIndex implements WriteHooks {
  /** Tables of the index, created with the dataset schema. */
  static readonly DDL: readonly string[] = [
    `CREATE TABLE IF NOT EXISTS ${POSTINGS_TABLE} (term VARCHAR NOT NULL, uuid VARCHAR NOT NULL, tf INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${LENGTHS_TABLE} (uuid VARCHAR PRIMARY KEY, length INTEGER NOT NULL)`,
  ];

  async afterInsert(connection: DuckDBConnection, rows: readonly StoredRow[]): Promise<void> {
    const terms: string[] = [];
    const uuids: string[] = [];
    const tfs: number[] = [];
    const docIds: string[] = [];
    const lengths: number[] = [];
    for (const row of rows) {
      const tokens = tokenize(indexedText(row));
      docIds.push(row.uuid);
      lengths.push(tokens.length);
      for (const [term, tf] of termFrequencies(tokens)) {
        terms.push(term);
        uuids.push(row.uuid);
        tfs.push(tf);
      }
    }
    await appendColumns(connection, POSTINGS_TABLE, [VARCHAR, VARCHAR, INTEGER], [terms, uuids, tfs]);
    await appendColumns(connection, LENGTHS_TABLE, [VARCHAR, INTEGER], [docIds, lengths]);
  }

  async beforeDelete(connection: DuckDBConnection, uuids: readonly string[]): Promise<void> {
    const params = new SqlParams();
    const list = params.add(listValue([...uuids]));
    await connection.run(`DELETE FROM ${POSTINGS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`, params.values, params.types);
    await connection.run(`DELETE FROM ${LENGTHS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`, params.values, params.types);
  }
}
