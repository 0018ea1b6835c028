// The BM25 inverted index: postings and document lengths in DuckDB tables, kept current inside every write.
import { type DuckDBConnection, DuckDBDataChunk, INTEGER, VARCHAR, listValue } from '@duckdb/node-api';
import { CHUNK_ROWS, appendChunkStream, appendChunks } from '../store/append-chunks.js';
import { setIntegerColumn, setVarcharColumn } from '../store/chunk-columns.js';
import type { StoredRow } from '../store/record-codec.js';
import type { IndexedObserver, WriteHooks } from '../store/dataset-transaction.js';
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

/**
 * The postings of `rows` as data chunks of (term, uuid, tf), tokenizing each record as the chunks are taken
 * (so a large write never holds all its postings at once), and each record's length in terms into `lengths`;
 * `observe`, when given, sees each record's length and term frequencies as they are made.
 * A record's postings are adjacent, so its uuid crosses into DuckDB once per chunk, not once per posting.
 */
function* postingChunks(rows: readonly StoredRow[], lengths: number[], observe: IndexedObserver | undefined): Generator<DuckDBDataChunk> {
  const terms: string[] = [];
  const owners: string[] = [];
  const tfs: number[] = [];
  const chunk = (): DuckDBDataChunk => {
    const count = terms.length;
    const out = DuckDBDataChunk.create([VARCHAR, VARCHAR, INTEGER], count);
    setVarcharColumn(out, 0, count, (i) => terms[i]!);
    setVarcharColumn(out, 1, count, (i) => owners[i]!);
    setIntegerColumn(out, 2, count, (i) => tfs[i]!);
    // The values are in DuckDB's vectors now: the arrays are reused for the next chunk.
    terms.length = 0;
    owners.length = 0;
    tfs.length = 0;
    return out;
  };
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index]!;
    const tokens = tokenize(indexedText(row));
    lengths[index] = tokens.length;
    const frequencies = termFrequencies(tokens);
    observe?.(index, tokens.length, frequencies);
    for (const [term, tf] of frequencies) {
      terms.push(term);
      owners.push(row.uuid);
      tfs.push(tf);
      if (terms.length === CHUNK_ROWS) yield chunk();
    }
  }
  if (terms.length > 0) yield chunk();
}

/**
 * Maintains the inverted index as a WriteHooks: every insert adds the record's postings and length, every
 * delete removes them, in the writing transaction, so the index commits and rolls back with the records.
 */
export class TextIndex implements WriteHooks {
  /**
   * Tables of the index, created with the dataset schema. Each record has one length row because lengths are
   * written and deleted with their records, whose uuids cf_documents keeps unique: a key on the lengths
   * table (files before this change have one) would only repeat that check, at the cost of an index insert
   * per record. Both forms are schema version 1.
   */
  static readonly DDL: readonly string[] = [
    `CREATE TABLE IF NOT EXISTS ${POSTINGS_TABLE} (term VARCHAR NOT NULL, uuid VARCHAR NOT NULL, tf INTEGER NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS ${LENGTHS_TABLE} (uuid VARCHAR NOT NULL, length INTEGER NOT NULL)`,
  ];

  async afterInsert(connection: DuckDBConnection, rows: readonly StoredRow[], observe?: IndexedObserver): Promise<void> {
    const lengths: number[] = new Array<number>(rows.length);
    await appendChunkStream(connection, POSTINGS_TABLE, postingChunks(rows, lengths, observe));
    await appendChunks(connection, LENGTHS_TABLE, rows.length, (start, end) => {
      const chunk = DuckDBDataChunk.create([VARCHAR, INTEGER], end - start);
      setVarcharColumn(chunk, 0, end - start, (i) => rows[start + i]!.uuid);
      setIntegerColumn(chunk, 1, end - start, (i) => lengths[start + i]!);
      return chunk;
    });
  }

  async beforeDelete(connection: DuckDBConnection, uuids: readonly string[]): Promise<void> {
    const params = new SqlParams();
    const list = params.add(listValue([...uuids]));
    await connection.run(`DELETE FROM ${POSTINGS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`, params.values, params.types);
    await connection.run(`DELETE FROM ${LENGTHS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`, params.values, params.types);
  }
}
