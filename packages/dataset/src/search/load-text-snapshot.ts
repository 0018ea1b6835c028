// Reads the BM25 index from its DuckDB tables into a TextSnapshot, in one read transaction.
import bindings from '@duckdb/node-bindings';
import type { DuckDBConnection, DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import { readVarcharColumn } from '../store/chunk-columns.js';
import { LENGTHS_TABLE, POSTINGS_TABLE } from './text-index.js';
import { TextSnapshot } from './text-snapshot.js';

/** A vector's data as `count` 32-bit words (little-endian: INTEGERs, or BIGINTs as pairs), valid while its chunk is. */
function words(vector: ReturnType<typeof bindings.data_chunk_get_vector>, count: number): Uint32Array {
  const data = bindings.vector_get_data(vector, count * 4);
  return data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, count) : new Uint32Array(data.slice().buffer);
}

/** Calls `take` with every chunk of a streamed result, asking for the next one before `take` runs. */
async function eachChunk(result: DuckDBResult, take: (chunk: DuckDBDataChunk) => void): Promise<void> {
  let pending: Promise<DuckDBDataChunk | null> | null = result.fetchChunk();
  try {
    for (;;) {
      const chunk: DuckDBDataChunk | null = await pending;
      pending = null;
      if (chunk === null || chunk.rowCount === 0) return;
      pending = result.fetchChunk();
      pending.catch(() => undefined); // its error, if any, is thrown by the await above
      take(chunk);
    }
  } finally {
    // A fetch still running (take threw) must end before the connection is used again.
    await pending?.catch(() => undefined);
  }
}

/**
 * Loads every record's length and every posting, or returns null when the index needs more than `maxBytes`
 * (see TextSnapshot.bytes) or its tables disagree with each other (a posting of a record without a length).
 * Records cross in uuid order, as strings and lengths. Postings cross grouped by term in term order, one list
 * per term in which DuckDB packs each posting's record row (its rank in uuid order, numbered in the same
 * transaction) and tf into one BIGINT: a few dozen chunks of contiguous integers instead of one row per posting.
 */
export async function loadTextSnapshot(connection: DuckDBConnection, maxBytes: number): Promise<TextSnapshot | null> {
  await connection.run('BEGIN TRANSACTION');
  try {
    const counted = await connection.runAndReadAll(`SELECT (SELECT count(*) FROM ${LENGTHS_TABLE}), (SELECT count(*) FROM ${POSTINGS_TABLE})`);
    const [records, postings] = counted.getRows()[0]!.map(Number) as [number, number];
    if (TextSnapshot.bytes(records, postings, 0) > maxBytes) return null;

    const ids = new Array<string>(records);
    const lengths = new Int32Array(records);
    let row = 0;
    await eachChunk(await connection.stream(`SELECT uuid, length FROM ${LENGTHS_TABLE} ORDER BY uuid`), (chunk) => {
      if (row + chunk.rowCount > records) throw new Error('the text index changed while it was read in one transaction');
      const uuids = readVarcharColumn(chunk, 0, chunk.rowCount);
      lengths.set(words(bindings.data_chunk_get_vector(chunk.chunk, 1), chunk.rowCount), row);
      for (let i = 0; i < chunk.rowCount; i++) ids[row++] = uuids[i]!;
    });

    const terms: string[] = [];
    const offsets: number[] = [0];
    const rows = new Int32Array(postings);
    const tfs = new Int32Array(postings);
    let placed = 0;
    let termChars = 0;
    const sql = `
      SELECT p.term, list((r.row << 32) | p.tf)
      FROM ${POSTINGS_TABLE} p JOIN (SELECT uuid, row_number() OVER (ORDER BY uuid) - 1 AS row FROM ${LENGTHS_TABLE}) r ON r.uuid = p.uuid
      GROUP BY p.term ORDER BY p.term`;
    await eachChunk(await connection.stream(sql), (chunk) => {
      const count = chunk.rowCount;
      const strings = readVarcharColumn(chunk, 0, count);
      const lists = bindings.data_chunk_get_vector(chunk.chunk, 1);
      // duckdb_list_entry is { uint64 offset; uint64 length }; the packed postings are (row << 32) | tf.
      const entries = words(lists, count * 4);
      const items = bindings.list_vector_get_size(lists);
      if (placed + items > postings) throw new Error('the text index changed while it was read in one transaction');
      const packed = words(bindings.list_vector_get_child(lists), items * 2);
      for (let i = 0; i < count; i++) {
        const from = entries[i * 4]!;
        const to = from + entries[i * 4 + 2]!;
        for (let at = from; at < to; at++) {
          tfs[placed] = packed[at * 2]!;
          rows[placed++] = packed[at * 2 + 1]!;
        }
        terms.push(strings[i]!);
        termChars += strings[i]!.length;
        offsets.push(placed);
      }
    });
    // Postings whose record has no length row are left out by the join: the SQL path would count them, so
    // such an index is not cached (TextIndex never writes one).
    if (placed !== postings || row !== records) return null;
    if (TextSnapshot.bytes(records, postings, terms.length, termChars) > maxBytes) return null;
    return new TextSnapshot(ids, lengths, terms, Int32Array.from(offsets), rows, tfs);
  } finally {
    await connection.run('COMMIT');
  }
}
