// Moves StoredRows in and out of cf_documents: bulk appends and reads, a data chunk (2,048 rows) at a time.
import bindings from '@duckdb/node-bindings';
import { ARRAY, type DuckDBConnection, DuckDBDataChunk, type DuckDBType, FLOAT, INTEGER, LIST, TIMESTAMP, VARCHAR, listValue } from '@duckdb/node-api';
import type { JsonObject } from '../record.js';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { appendChunks } from './append-chunks.js';
import {
  readFloatArrayColumn,
  readIntegerColumn,
  readSafeBigIntColumn,
  readVarcharColumn,
  readVarcharListColumn,
  setIntegerColumn,
  setTimestampColumn,
  setVarcharColumn,
  setVarcharListColumn,
} from './chunk-columns.js';
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

/** The select list that `decodeChunk` reads, columns qualified by `alias`. */
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

/** Runs a query selecting `selectColumns` and decodes every row it returns. */
export async function readStoredRows(connection: DuckDBConnection, sql: string, params: SqlParams): Promise<StoredRow[]> {
  const result = await connection.run(sql, params.values, params.types);
  const rows: StoredRow[] = [];
  for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
    for (const row of decodeChunk(chunk)) rows.push(row);
  }
  return rows;
}

/** The stored rows with the given ids, in no particular order (unknown ids are left out). */
export async function readRowsByIds(connection: DuckDBConnection, ids: readonly string[], withEmbedding: boolean): Promise<StoredRow[]> {
  if (ids.length === 0) return [];
  const params = new SqlParams();
  const list = params.add(listValue([...ids]));
  return readStoredRows(connection, `SELECT ${selectColumns('', withEmbedding)} FROM ${DOCUMENTS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`, params);
}

/**
 * Turns a data chunk of `selectColumns` rows into StoredRows, reading each column in bulk (see
 * chunk-columns.ts). The embedding column is a FLOAT[n] when selected, else a NULL list.
 */
export function decodeChunk(chunk: DuckDBDataChunk): StoredRow[] {
  const count = chunk.rowCount;
  const embeddingType = bindings.vector_get_column_type(bindings.data_chunk_get_vector(chunk.chunk, 15));
  const dimensions = bindings.get_type_id(embeddingType) === bindings.Type.ARRAY ? bindings.array_type_array_size(embeddingType) : null;
  const text = (column: number) => readVarcharColumn(chunk, column, count);
  const uuid = text(0);
  const collection = text(1);
  const title = text(2);
  const content = text(3);
  const context = text(4);
  const tags = readVarcharListColumn(chunk, 5, count);
  const metadata = text(6);
  const recordType = text(7);
  const parentId = text(8);
  const chunkIndex = readIntegerColumn(chunk, 9, count);
  const sourceType = text(10);
  const sourceUri = text(11);
  const hash = text(12);
  const created = readSafeBigIntColumn(chunk, 13, count);
  const updated = readSafeBigIntColumn(chunk, 14, count);
  const embedding = dimensions === null ? null : readFloatArrayColumn(chunk, 15, count, dimensions);
  const rows = new Array<StoredRow>(count);
  for (let i = 0; i < count; i++) {
    rows[i] = {
      uuid: uuid[i]!,
      collection: collection[i]!,
      title: title[i]!,
      content: content[i]!,
      context: context[i]!,
      tags: tags[i]!,
      metadata: JSON.parse(metadata[i]!) as JsonObject,
      record_type: recordType[i]!,
      parent_id: parentId[i]!,
      chunk_index: chunkIndex[i]!,
      source_type: sourceType[i]!,
      source_uri: sourceUri[i]!,
      content_hash: hash[i]!,
      embedding: embedding === null ? null : embedding[i]!,
      created_ms: created[i]!,
      updated_ms: updated[i]!,
    };
  }
  return rows;
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
 * Appends rows to cf_documents in data chunks of 2,048 rows: one native call per chunk and column (plus
 * one per long string), not per cell. Runs inside whatever transaction `connection` has open. `dimensions`
 * is the embedding column's size, or null while the table has no embedding column.
 */
export async function appendRows(connection: DuckDBConnection, rows: readonly StoredRow[], dimensions: number | null): Promise<void> {
  const types = dimensions === null ? BASE_TYPES : [...BASE_TYPES, ARRAY(FLOAT, dimensions)];
  await appendChunks(connection, DOCUMENTS_TABLE, rows.length, (start, end) => {
    const count = end - start;
    const chunk = DuckDBDataChunk.create(types, count);
    const text = (column: number, field: (row: StoredRow) => string | null) => setVarcharColumn(chunk, column, count, (i) => field(rows[start + i]!));
    // Serialized once here: a long value is read twice while the column is written.
    const metadata = rows.slice(start, end).map((row) => JSON.stringify(row.metadata));
    text(0, (row) => row.uuid);
    text(1, (row) => row.collection);
    text(2, (row) => row.title);
    text(3, (row) => row.content);
    text(4, (row) => row.context);
    setVarcharListColumn(chunk, 5, count, (i) => rows[start + i]!.tags);
    setVarcharColumn(chunk, 6, count, (i) => metadata[i]!);
    text(7, (row) => row.record_type);
    text(8, (row) => row.parent_id);
    setIntegerColumn(chunk, 9, count, (i) => rows[start + i]!.chunk_index);
    text(10, (row) => row.source_type);
    text(11, (row) => row.source_uri);
    text(12, (row) => row.content_hash);
    setTimestampColumn(chunk, 13, count, (i) => rows[start + i]!.created_ms);
    setTimestampColumn(chunk, 14, count, (i) => rows[start + i]!.updated_ms);
    if (dimensions !== null) writeVectors(chunk, BASE_TYPES.length, rows.slice(start, end), dimensions);
    return chunk;
  });
}
