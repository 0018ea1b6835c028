// Moves StoredRows in and out of cf_documents: bulk appends through data chunks, decoding of selected rows.
import bindings from '@duckdb/node-bindings';
import {
  ARRAY,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  FLOAT,
  INTEGER,
  LIST,
  TIMESTAMP,
  VARCHAR,
  listValue,
  timestampValue,
} from '@duckdb/node-api';
import type { JsonObject } from '../record.js';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { appendChunks } from './append-chunks.js';
import type { StoredRow } from './record-codec.js';

const BASE_TYPES: readonly DuckDBType[] = [
  VARCHAR, // uuid
  VARCHAR, // collection
  VARCHAR, // title
  VARCHAR, // content
  VARCHAR, // context
  LIST(VARCHAR), // tags
  VARCHAR, // metadata (JSON is stored as text)
  VARCHAR, // record_type
  VARCHAR, // parent_id
  INTEGER, // chunk_index
  VARCHAR, // source_type
  VARCHAR, // source_uri
  VARCHAR, // content_hash
  TIMESTAMP, // created_at
  TIMESTAMP, // updated_at
];

/** The select list that `decodeRow` reads, columns qualified by `alias`. */
export function selectColumns(alias: string, withEmbedding: boolean): string {
  const a = alias === '' ? '' : `${alias}.`;
  const columns = [
    'uuid', 'collection', 'title', 'content', 'context', 'tags', 'metadata', 'record_type', 'parent_id',
    'chunk_index', 'source_type', 'source_uri', 'content_hash',
  ].map((column) => `${a}${column}`);
  columns.push(`epoch_ms(${a}created_at) AS created_ms`, `epoch_ms(${a}updated_at) AS updated_ms`);
  columns.push(withEmbedding ? `${a}embedding` : 'NULL::FLOAT[] AS embedding');
  return columns.join(', ');
}

/** The stored rows with the given ids, in no particular order (unknown ids are left out). */
export async function readRowsByIds(connection: DuckDBConnection, ids: readonly string[], withEmbedding: boolean): Promise<StoredRow[]> {
  if (ids.length === 0) return [];
  const params = new SqlParams();
  const list = params.add(listValue([...ids]));
  const reader = await connection.runAndReadAll(
    `SELECT ${selectColumns('', withEmbedding)} FROM ${DOCUMENTS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`,
    params.values,
    params.types,
  );
  return reader.getRowObjectsJS().map((row) => decodeRow(row));
}

/** Turns one row of `selectColumns` (as `getRowObjectsJS` returns it) into a StoredRow. */
export function decodeRow(row: Record<string, unknown>): StoredRow {
  const embedding = row['embedding'] as number[] | null;
  return {
    uuid: row['uuid'] as string,
    collection: row['collection'] as string | null,
    title: row['title'] as string | null,
    content: row['content'] as string,
    context: row['context'] as string | null,
    tags: row['tags'] as string[],
    metadata: JSON.parse(row['metadata'] as string) as JsonObject,
    record_type: row['record_type'] as string,
    parent_id: row['parent_id'] as string | null,
    chunk_index: row['chunk_index'] as number | null,
    source_type: row['source_type'] as string | null,
    source_uri: row['source_uri'] as string | null,
    content_hash: row['content_hash'] as string | null,
    embedding: embedding === null ? null : Float32Array.from(embedding),
    created_ms: Number(row['created_ms']),
    updated_ms: Number(row['updated_ms']),
  };
}

function timestamp(ms: number): DuckDBValue {
  return timestampValue(BigInt(ms) * 1000n);
}

/**
 * Writes the rows' vectors into a FLOAT[n] column of a chunk with one copy of contiguous float32 memory.
 * Going through a JS value per element costs about 10x more, and vectors dominate a chunk's size.
 */
function writeVectors(chunk: DuckDBDataChunk, column: number, rows: readonly StoredRow[], dimensions: number): void {
  const data = new Float32Array(rows.length * dimensions);
  const validity = new BigUint64Array(Math.ceil(rows.length / 64)).fill(0xffff_ffff_ffff_ffffn);
  let nulls = false;
  rows.forEach((row, i) => {
    if (row.embedding === null) {
      nulls = true;
      validity[i >> 6]! &= ~(1n << BigInt(i & 63));
    } else {
      data.set(row.embedding, i * dimensions);
    }
  });
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  bindings.copy_data_to_vector(bindings.array_vector_get_child(vector), 0, data.buffer, 0, data.byteLength);
  if (nulls) {
    bindings.vector_ensure_validity_writable(vector);
    bindings.copy_data_to_vector_validity(vector, 0, validity.buffer, 0, validity.byteLength);
  }
}

/**
 * Appends rows to cf_documents in data chunks of 2,048 rows: one native call per chunk, not per row.
 * Runs inside whatever transaction `connection` has open. `dimensions` is the embedding column's size,
 * or null while the table has no embedding column.
 */
export async function appendRows(connection: DuckDBConnection, rows: readonly StoredRow[], dimensions: number | null): Promise<void> {
  const types = dimensions === null ? BASE_TYPES : [...BASE_TYPES, ARRAY(FLOAT, dimensions)];
  await appendChunks(connection, DOCUMENTS_TABLE, rows.length, (start, end) => {
    const slice = rows.slice(start, end);
    const columns: DuckDBValue[][] = BASE_TYPES.map(() => new Array<DuckDBValue>(slice.length));
    slice.forEach((row, i) => {
      columns[0]![i] = row.uuid;
      columns[1]![i] = row.collection;
      columns[2]![i] = row.title;
      columns[3]![i] = row.content;
      columns[4]![i] = row.context;
      columns[5]![i] = listValue(row.tags);
      columns[6]![i] = JSON.stringify(row.metadata);
      columns[7]![i] = row.record_type;
      columns[8]![i] = row.parent_id;
      columns[9]![i] = row.chunk_index;
      columns[10]![i] = row.source_type;
      columns[11]![i] = row.source_uri;
      columns[12]![i] = row.content_hash;
      columns[13]![i] = timestamp(row.created_ms);
      columns[14]![i] = timestamp(row.updated_ms);
    });
    const chunk = DuckDBDataChunk.create(types, slice.length);
    BASE_TYPES.forEach((_, column) => {
      chunk.setColumnValues(column, columns[column]!);
    });
    if (dimensions !== null) writeVectors(chunk, BASE_TYPES.length, slice, dimensions);
    return chunk;
  });
}
