// Turns records with embeddings into DuckDB data chunks for the binary Parquet sink's staging table: values cross into DuckDB as
// bytes (numbers, floats and short strings one memory copy per column), never as CSV or JSON text to parse.
import type { FrameRecord } from '@contextframe/dataset';
import {
  CHUNK_ROWS,
  setFloatListColumn,
  setIntegerColumn,
  setTimestampColumn,
  setVarcharColumn,
  setVarcharListColumn,
} from '@contextframe/dataset/duckdb-vectors';
import { DuckDBDataChunk, type DuckDBType, FLOAT, INTEGER, LIST, TIMESTAMPTZ, VARCHAR } from '@duckdb/node-api';
import { IoError } from '../io-error.js';
import { canonicalTimestampMs } from './canonical-timestamp.js';
import { checkChunkIndex, describeValue as describe, invalidParquetRecord as invalidRecord } from './invalid-parquet-record.js';
import { quoteIdentifier } from './private-duckdb.js';

/** Nullable text fields, by name. */
const NULLABLE_TEXT = ['collection', 'title', 'context', 'parent_id', 'source_type', 'source_uri', 'content_hash'] as const;
/**
 * Bytes counted per row beyond its text and floats: what a row's CSV text took beyond its values (timestamps,
 * delimiters) when records were staged as CSV, so row groups of text records keep the sizes they had then.
 */
const ROW_OVERHEAD = 64;

interface Column {
  readonly name: string;
  /** The staging table's column type. */
  readonly sql: string;
  /** The type of the data chunk's vector; a JSON column is filled as VARCHAR (the same bytes). */
  readonly type: DuckDBType;
}

const text = (name: string): Column => ({ name, sql: 'VARCHAR', type: VARCHAR });
const BEFORE_EMBEDDING: readonly Column[] = [
  text('uuid'),
  text('collection'),
  text('title'),
  text('content'),
  text('context'),
  { name: 'tags', sql: 'VARCHAR[]', type: LIST(VARCHAR) },
  { name: 'metadata', sql: 'JSON', type: VARCHAR },
  text('record_type'),
  text('parent_id'),
  { name: 'chunk_index', sql: 'INTEGER', type: INTEGER },
  text('source_type'),
  text('source_uri'),
  text('content_hash'),
];
// Each timestamp is staged twice: as its instant when it is toISOString text (nearly always), else as the text
// itself (null otherwise) for DuckDB to parse, as it parsed every timestamp when records were staged as CSV.
const TIMESTAMPS: readonly Column[] = [
  { name: 'created_at', sql: 'TIMESTAMPTZ', type: TIMESTAMPTZ },
  { name: 'updated_at', sql: 'TIMESTAMPTZ', type: TIMESTAMPTZ },
  text('created_at_text'),
  text('updated_at_text'),
];

function checkText(record: FrameRecord, field: string, value: unknown, nullable: boolean): number {
  if (typeof value === 'string') return value.length;
  if (value === null && nullable) return 0;
  throw invalidRecord(record, field, `must be a string${nullable ? ' or null' : ''}, got ${value === null ? 'null' : typeof value}`);
}

/**
 * Encodes records as data chunks of the staging table, and says how to create that table and how to select
 * the Parquet columns from it. Checks each record on the way: a value the column cannot hold exactly is
 * INVALID_RECORD, never a silently changed value.
 */
export class RecordChunkEncoder {
  readonly #columns: readonly Column[] = [...BEFORE_EMBEDDING, { name: 'embedding', sql: 'FLOAT[]', type: LIST(FLOAT) }, ...TIMESTAMPS];
  readonly #types: readonly DuckDBType[] = this.#columns.map((column) => column.type);
  #textTimestamps = false;
  #bytes = 0;
  // One chunk, refilled for every call: a chunk's native memory is freed only when V8 collects its JS
  // object, and V8, not seeing that memory, let a million records' chunks pile up to 1 GB of RSS.
  #chunk: DuckDBDataChunk | null = null;

  /** Roughly the bytes DuckDB holds for the rows encoded so far (text, floats, and per-row overhead). */
  get bytes(): number {
    return this.#bytes;
  }

  /** `CREATE TABLE` for the staging table. */
  createTableSql(table: string): string {
    return `CREATE TABLE ${quoteIdentifier(table)} (${this.#columns.map((column) => `${quoteIdentifier(column.name)} ${column.sql}`).join(', ')})`;
  }

  /** The select list over the staging table that gives the Parquet file's columns, in RECORD_FIELDS order. */
  selectSql(): string {
    const names = this.#columns.slice(0, this.#columns.length - TIMESTAMPS.length).map((column) => quoteIdentifier(column.name));
    for (const field of ['created_at', 'updated_at']) {
      // The cast runs only when some timestamp was not toISOString text.
      names.push(this.#textTimestamps ? `coalesce(${field}_text::TIMESTAMPTZ, ${field}) AS ${field}` : field);
    }
    return names.join(', ');
  }

  /**
   * Rows [start, end) of `records` (at most CHUNK_ROWS) as a data chunk, valid until the next call.
   * Throws INVALID_RECORD.
   */
  encode(records: readonly FrameRecord[], start: number, end: number): DuckDBDataChunk {
    const count = end - start;
    const metadata = new Array<string>(count);
    const created = new Float64Array(count);
    const updated = new Float64Array(count);
    let createdText: (string | null)[] | null = null;
    let updatedText: (string | null)[] | null = null;
    let bytes = count * ROW_OVERHEAD;
    for (let i = 0; i < count; i++) {
      const record = records[start + i]!;
      bytes += this.#check(record);
      let json: string | undefined;
      try {
        json = JSON.stringify(record.metadata);
      } catch (error) {
        throw invalidRecord(record, 'metadata', `cannot be written as JSON (${(error as Error).message})`);
      }
      if (typeof json !== 'string') throw invalidRecord(record, 'metadata', `must be a JSON object, got ${describe(record.metadata)}`);
      metadata[i] = json;
      bytes += json.length;
      created[i] = canonicalTimestampMs(record.created_at);
      updated[i] = canonicalTimestampMs(record.updated_at);
      // A timestamp in another form goes to DuckDB as text; its instant column holds 0, which is not read.
      if (Number.isNaN(created[i]!)) {
        createdText ??= new Array<string | null>(count).fill(null);
        createdText[i] = record.created_at;
        created[i] = 0;
      }
      if (Number.isNaN(updated[i]!)) {
        updatedText ??= new Array<string | null>(count).fill(null);
        updatedText[i] = record.updated_at;
        updated[i] = 0;
      }
    }
    this.#bytes += bytes;
    if (createdText !== null || updatedText !== null) this.#textTimestamps = true;

    this.#chunk ??= DuckDBDataChunk.create(this.#types, CHUNK_ROWS);
    const chunk = this.#chunk;
    chunk.reset();
    chunk.rowCount = count;
    const at = (i: number): FrameRecord => records[start + i]!;
    setVarcharColumn(chunk, 0, count, (i) => at(i).uuid);
    setVarcharColumn(chunk, 1, count, (i) => at(i).collection);
    setVarcharColumn(chunk, 2, count, (i) => at(i).title);
    setVarcharColumn(chunk, 3, count, (i) => at(i).content);
    setVarcharColumn(chunk, 4, count, (i) => at(i).context);
    setVarcharListColumn(chunk, 5, count, (i) => at(i).tags);
    setVarcharColumn(chunk, 6, count, (i) => metadata[i]!);
    setVarcharColumn(chunk, 7, count, (i) => at(i).record_type);
    setVarcharColumn(chunk, 8, count, (i) => at(i).parent_id);
    setIntegerColumn(chunk, 9, count, (i) => at(i).chunk_index);
    setVarcharColumn(chunk, 10, count, (i) => at(i).source_type);
    setVarcharColumn(chunk, 11, count, (i) => at(i).source_uri);
    setVarcharColumn(chunk, 12, count, (i) => at(i).content_hash);
    let column = BEFORE_EMBEDDING.length;
    setFloatListColumn(chunk, column++, count, (i) => at(i).embedding);
    setTimestampColumn(chunk, column++, count, (i) => created[i]!);
    setTimestampColumn(chunk, column++, count, (i) => updated[i]!);
    setVarcharColumn(chunk, column++, count, createdText === null ? () => null : (i) => createdText[i]!);
    setVarcharColumn(chunk, column++, count, updatedText === null ? () => null : (i) => updatedText[i]!);
    return chunk;
  }

  /** Checks the fields the chunk's columns take as they are; returns the record's text and float bytes. */
  #check(record: FrameRecord): number {
    if (record === null || typeof record !== 'object') {
      throw new IoError('INVALID_RECORD', `A record to write as Parquet must be an object, got ${describe(record)}. Fix the record source.`, {
        data: { field: 'record' },
      });
    }
    let bytes = checkText(record, 'uuid', record.uuid, false);
    bytes += checkText(record, 'content', record.content, false);
    bytes += checkText(record, 'record_type', record.record_type, false);
    for (const field of NULLABLE_TEXT) bytes += checkText(record, field, record[field], true);
    checkText(record, 'created_at', record.created_at, false);
    checkText(record, 'updated_at', record.updated_at, false);
    const tags = record.tags as unknown;
    if (!Array.isArray(tags)) throw invalidRecord(record, 'tags', `must be a list of strings, got ${describe(tags)}`);
    for (const tag of tags) bytes += checkText(record, 'tags', tag, false) + 16;
    checkChunkIndex(record);
    if (record.embedding !== null) bytes += this.#checkEmbedding(record);
    return bytes;
  }

  #checkEmbedding(record: FrameRecord): number {
    const vector = record.embedding as unknown;
    if (!(vector instanceof Float32Array || Array.isArray(vector))) {
      throw invalidRecord(record, 'embedding', `must be a Float32Array or null, got ${describe(vector)}`);
    }
    for (let i = 0; i < vector.length; i++) {
      const value = vector[i] as number;
      // x - x is 0 for every finite number and NaN for NaN and ±Infinity (and for anything not a number).
      if (value - value !== 0) {
        throw new IoError(
          'INVALID_RECORD',
          `Record ${record.uuid} has ${String(value)} at position ${i} of its embedding; an export holds finite floats only (the store accepts no others). Fix the vector, or export without embeddings.`,
          { data: { uuid: record.uuid, field: 'embedding', index: i } },
        );
      }
    }
    return vector.length * 4;
  }
}
