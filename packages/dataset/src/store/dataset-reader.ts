// Read operations on one connection: shared by FrameDataset (auto-commit reads) and transactions.
import { type DuckDBConnection, type DuckDBDataChunk, listValue } from '@duckdb/node-api';
import { DatasetError } from '../errors.js';
import { compileFilter } from '../filter/compile.js';
import type { FrameRecord } from '../record.js';
import { DOCUMENTS_TABLE, META_TABLE } from '../schema.js';
import { runSearches, type SearchOutcome } from '../search/search.js';
import type { TextCache } from '../search/text-cache.js';
import type { VectorCache } from '../search/vector-cache.js';
import type { Bm25Options, SearchHit, SearchRequest } from '../search/search-types.js';
import { readTermStatistics, type TermStatistics } from '../search/term-statistics.js';
import { SqlParams } from '../sql/params.js';
import { normalizeUuid, type StoredRow, toFrameRecord } from './record-codec.js';
import { decodeChunk, readRowsByIds, readStoredRows, selectColumns } from './row-io.js';
import { readVarcharColumn } from './chunk-columns.js';
import { recordJsonSelect } from './record-json-sql.js';
import { scanBounds } from './scan-bounds.js';

/** Fields a query may be ordered by. */
export const ORDERABLE_FIELDS = [
  'uuid', 'collection', 'title', 'content', 'context', 'record_type', 'parent_id', 'chunk_index',
  'source_type', 'source_uri', 'content_hash', 'created_at', 'updated_at',
] as const;
export type OrderableField = (typeof ORDERABLE_FIELDS)[number];

/** One ordering term; ties are always broken by uuid so results are deterministic. */
export interface OrderBy {
  readonly field: OrderableField;
  readonly direction?: 'asc' | 'desc';
}

export interface QueryOptions {
  /** A filter in contextframe's filter language; empty or absent means every record. */
  readonly filter?: string | null;
  readonly limit?: number;
  readonly offset?: number;
  readonly orderBy?: readonly OrderBy[];
  /** Include `embedding` in the results (off by default: vectors are large). */
  readonly includeEmbedding?: boolean;
}

export interface GetOptions {
  /** Include `embedding` (on by default for gets). */
  readonly includeEmbedding?: boolean;
  /** Also return the chunks whose `parent_id` is one of the ids, after their documents. */
  readonly includeChunks?: boolean;
}

export interface ScanOptions {
  readonly filter?: string | null;
  readonly includeEmbedding?: boolean;
  /** Only these records (unknown ids are left out); with `filter`, those of them that match it. */
  readonly ids?: readonly string[];
  /** Records per yielded batch (default 1,000). */
  readonly batchSize?: number;
  /**
   * About how many bytes of records one sorted query may hold (default 32 MiB). A larger selection is read
   * in uuid ranges of about this size, one query each, so memory does not grow with the dataset.
   */
  readonly sortBytes?: number;
  readonly signal?: AbortSignal;
}

/** Per-collection counts. `collection` is null for records without one. */
export interface CollectionInfo {
  readonly collection: string | null;
  readonly documents: number;
  readonly chunks: number;
  readonly records: number;
}

/** What a dataset holds. */
export interface DatasetStats {
  readonly records: number;
  readonly documents: number;
  readonly chunks: number;
  readonly with_embeddings: number;
  readonly collections: number;
  readonly embedding: EmbeddingInfo | null;
  readonly schema_version: number;
}

/** The embedding model and dimension a dataset's vectors were written with. */
export interface EmbeddingInfo {
  readonly model: string | null;
  readonly dimensions: number;
}

/** State the dataset shares with every reader: what the embedding column looks like. */
export interface EmbeddingState {
  info: EmbeddingInfo | null;
}

const MAX_LIMIT = 1_000_000;
/** About how many bytes of selected rows one query of `scan` sorts: DuckDB holds them all until the sort ends. */
// DuckDB's sort takes several times the rows' own bytes: reading 1M records (about 470 MB of JSON) in 64 MiB
// ranges peaked 380 MB above the process's base, in 32 MiB ranges 260 MB, at the same speed (2026-11-26).
const SCAN_SORT_BYTES = 32 * 1024 * 1024;

function checkCount(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_LIMIT) {
    throw new DatasetError('INVALID_ARGUMENT', `${name} must be an integer from 0 to ${MAX_LIMIT}, got ${value}`);
  }
  return value;
}

/** Reads records through one connection. Every user value reaches SQL as a parameter. */
export class DatasetReader {
  protected readonly connection: DuckDBConnection;
  protected readonly embedding: EmbeddingState;

  readonly #vectors: VectorCache | null;
  readonly #text: TextCache | null;

  /**
   * `vectors` and `text`, when given, serve vector and text searches from memory; they must reflect what this
   * connection sees (so a reader inside a transaction gets neither).
   */
  constructor(connection: DuckDBConnection, embedding: EmbeddingState, vectors: VectorCache | null = null, text: TextCache | null = null) {
    this.connection = connection;
    this.embedding = embedding;
    this.#vectors = vectors;
    this.#text = text;
  }

  /** Throws when the reader may no longer be used; transactions override it. */
  protected checkOpen(): void {}

  protected get hasEmbedding(): boolean {
    return this.embedding.info !== null;
  }

  protected where(filter: string | null | undefined, params: SqlParams, alias = ''): string {
    return compileFilter(filter ?? null, { alias, params, hasEmbedding: this.hasEmbedding });
  }

  protected readRows(sql: string, params: SqlParams): Promise<StoredRow[]> {
    return readStoredRows(this.connection, sql, params);
  }

  /** Stored rows for the given ids, in no particular order. */
  protected rowsByIds(ids: readonly string[], withEmbedding: boolean): Promise<StoredRow[]> {
    return readRowsByIds(this.connection, ids, withEmbedding && this.hasEmbedding);
  }


  /** Records with the given ids, in the order asked; unknown ids are left out. */
  async get(ids: readonly string[], options: GetOptions = {}): Promise<FrameRecord[]> {
    this.checkOpen();
    const wanted = ids.map((id, index) => normalizeUuid(id, index));
    const withEmbedding = options.includeEmbedding ?? true;
    const byId = new Map((await this.rowsByIds(wanted, withEmbedding)).map((row) => [row.uuid, row]));
    const records = [...new Set(wanted)].flatMap((id) => {
      const row = byId.get(id);
      return row ? [toFrameRecord(row)] : [];
    });
    if (!options.includeChunks || wanted.length === 0) return records;
    const params = new SqlParams();
    const list = params.add(listValue(wanted));
    const chunks = await this.readRows(
      `SELECT ${selectColumns('', withEmbedding && this.hasEmbedding)} FROM ${DOCUMENTS_TABLE}
       WHERE parent_id IN (SELECT unnest(${list})) ORDER BY parent_id, chunk_index, uuid`,
      params,
    );
    return [...records, ...chunks.map(toFrameRecord)];
  }

  /** Which of the ids exist. */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    this.checkOpen();
    if (ids.length === 0) return new Set();
    const params = new SqlParams();
    const list = params.add(listValue([...ids]));
    const reader = await this.connection.runAndReadAll(
      `SELECT uuid FROM ${DOCUMENTS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`,
      params.values,
      params.types,
    );
    return new Set(reader.getRows().map((row) => row[0] as string));
  }

  /** Records matching a filter, ordered (by uuid unless told otherwise), paged by limit and offset. */
  async query(options: QueryOptions = {}): Promise<FrameRecord[]> {
    this.checkOpen();
    const params = new SqlParams();
    const where = this.where(options.filter, params);
    const limit = checkCount('limit', options.limit, 100);
    const offset = checkCount('offset', options.offset, 0);
    const order = [...(options.orderBy ?? []).map(orderTerm), 'uuid ASC'].join(', ');
    const rows = await this.readRows(
      `SELECT ${selectColumns('', (options.includeEmbedding ?? false) && this.hasEmbedding)} FROM ${DOCUMENTS_TABLE}
       WHERE ${where} ORDER BY ${order} LIMIT ${params.add(limit)} OFFSET ${params.add(offset)}`,
      params,
    );
    return rows.map(toFrameRecord);
  }

  /** The uuids of records matching a filter, in uuid order, at most `limit` of them. */
  async ids(filter?: string | null, limit = MAX_LIMIT): Promise<string[]> {
    this.checkOpen();
    const params = new SqlParams();
    const where = this.where(filter, params);
    const reader = await this.connection.runAndReadAll(
      `SELECT uuid FROM ${DOCUMENTS_TABLE} WHERE ${where} ORDER BY uuid LIMIT ${params.add(checkCount('limit', limit, MAX_LIMIT))}`,
      params.values,
      params.types,
    );
    return reader.getRows().map((row) => row[0] as string);
  }

  /** How many records match a filter. */
  async count(filter?: string | null): Promise<number> {
    this.checkOpen();
    const params = new SqlParams();
    const where = this.where(filter, params);
    const reader = await this.connection.runAndReadAll(`SELECT count(*) FROM ${DOCUMENTS_TABLE} WHERE ${where}`, params.values, params.types);
    return Number(reader.getRows()[0]?.[0] ?? 0);
  }

  /**
   * Streams every record matching a filter (and, with `ids`, among those ids), in uuid order, in batches of
   * `batchSize`, as of one snapshot. Rows come from DuckDB chunk by chunk, and a large selection is sorted in
   * uuid ranges of about `sortBytes` each (one query per range), so memory stays bounded whatever the
   * dataset's size.
   */
  async *scan(options: ScanOptions = {}): AsyncGenerator<FrameRecord[]> {
    const batchSize = Math.max(1, checkCount('batchSize', options.batchSize, 1000));
    let batch: FrameRecord[] = [];
    for await (const chunk of this.#scanChunks(options, (withEmbedding) => selectColumns('', withEmbedding))) {
      for (const row of decodeChunk(chunk)) {
        batch.push(toFrameRecord(row));
        if (batch.length >= batchSize) {
          yield batch;
          batch = [];
        }
      }
    }
    if (batch.length > 0) yield batch;
  }

  /**
   * The records `scan` would yield, each as one line of JSON text (no newline) in the form of
   * @contextframe/io's JSON and JSONL writers, built inside DuckDB; see `recordJsonSelect` for where the
   * spelling may differ from JS's. Batches hold up to one DuckDB data chunk (2,048 records); `batchSize` is
   * not used.
   */
  async *scanJson(options: ScanOptions = {}): AsyncGenerator<string[]> {
    for await (const chunk of this.#scanChunks(options, recordJsonSelect)) {
      yield readVarcharColumn(chunk, 0, chunk.rowCount) as string[];
    }
  }

  /** The data chunks of `select` over the selected records in uuid order, one snapshot; see `scan`. */
  async *#scanChunks(options: ScanOptions, select: (withEmbedding: boolean) => string): AsyncGenerator<DuckDBDataChunk> {
    this.checkOpen();
    const sortBytes = options.sortBytes ?? SCAN_SORT_BYTES;
    if (!Number.isSafeInteger(sortBytes) || sortBytes < 1) {
      throw new DatasetError('INVALID_ARGUMENT', `sortBytes must be a whole number of bytes above 0, got ${sortBytes}`);
    }
    const withEmbedding = (options.includeEmbedding ?? false) && this.hasEmbedding;
    const ids = options.ids === undefined ? null : [...new Set(options.ids.map((id, index) => normalizeUuid(id, index)))];
    if (ids !== null && ids.length === 0) return;
    const where = (params: SqlParams): string => {
      const filter = this.where(options.filter, params);
      return ids === null ? filter : `(${filter}) AND uuid IN (SELECT unnest(${params.add(listValue(ids))}))`;
    };
    // Several queries must see one state of the dataset: outside a transaction, the scan opens its own.
    const own = !this.inTransaction;
    if (own) await this.connection.run('BEGIN TRANSACTION');
    let failed = false;
    let pending: Promise<DuckDBDataChunk | null> | null = null;
    try {
      const bounds = await scanBounds(this.connection, where, withEmbedding, sortBytes);
      for (let range = 0; range <= bounds.length; range++) {
        const params = new SqlParams();
        const conditions = [where(params)];
        if (range > 0) conditions.push(`uuid >= ${params.add(bounds[range - 1]!)}`);
        if (range < bounds.length) conditions.push(`uuid < ${params.add(bounds[range]!)}`);
        const result = await this.connection.stream(
          `SELECT ${select(withEmbedding)} FROM ${DOCUMENTS_TABLE} WHERE ${conditions.map((c) => `(${c})`).join(' AND ')} ORDER BY uuid`,
          params.values,
          params.types,
        );
        // The next chunk is asked for before this one is converted, so DuckDB reads while JS converts.
        pending = result.fetchChunk();
        pending.catch(() => undefined);
        for (;;) {
          const chunk = await pending;
          pending = null;
          if (chunk === null || chunk.rowCount === 0) break;
          pending = result.fetchChunk();
          pending.catch(() => undefined); // its error, if any, is thrown by the await above
          options.signal?.throwIfAborted();
          yield chunk;
        }
      }
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // A fetch still running (the caller stopped early) must end before the connection is used again.
      await pending?.catch(() => undefined);
      if (own) {
        // A read-only transaction has nothing to keep; after a failure its own error is the one to report.
        if (failed) await this.connection.run('ROLLBACK').catch(() => undefined);
        else await this.connection.run('COMMIT');
      }
    }
  }

  /** Whether this reader runs inside a transaction that someone else ends; transactions override it. */
  protected get inTransaction(): boolean {
    return false;
  }

  /**
   * Runs many searches together: all vector rankings share one scan of the embeddings and all text
   * rankings one snapshot of the index (one statement inside a transaction). Each search succeeds or fails on its own (a bad filter fails only its search).
   */
  async searchMany(requests: readonly SearchRequest[], bm25?: Bm25Options): Promise<SearchOutcome[]> {
    this.checkOpen();
    return runSearches(this.connection, requests, this.embedding.info, bm25, this.#vectors, this.#text);
  }

  /** Runs one search; throws the DatasetError that fails it. */
  async search(request: SearchRequest, bm25?: Bm25Options): Promise<SearchHit[]> {
    const [outcome] = await this.searchMany([request], bm25);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.hits;
  }

  /**
   * How many records the text index holds and how many contain each term (0 for unknown terms), for
   * weighting terms by rarity. Terms match exactly: pass them as `tokenize` yields them.
   */
  async termStatistics(terms: readonly string[]): Promise<TermStatistics> {
    this.checkOpen();
    return readTermStatistics(this.connection, terms);
  }

  /** Record counts per collection, collections in name order (null first). */
  async collections(): Promise<CollectionInfo[]> {
    this.checkOpen();
    const reader = await this.connection.runAndReadAll(
      `SELECT collection,
              count(*) FILTER (WHERE record_type = 'document') AS documents,
              count(*) FILTER (WHERE record_type = 'chunk') AS chunks,
              count(*) AS records
       FROM ${DOCUMENTS_TABLE} GROUP BY collection ORDER BY collection NULLS FIRST`,
    );
    return reader.getRowObjectsJS().map((row) => ({
      collection: row.collection as string | null,
      documents: Number(row.documents),
      chunks: Number(row.chunks),
      records: Number(row.records),
    }));
  }

  /** Counts of records, documents, chunks, vectors and collections, and the embedding settings. */
  async stats(): Promise<DatasetStats> {
    this.checkOpen();
    const vectors = this.hasEmbedding ? 'count(embedding)' : '0';
    const reader = await this.connection.runAndReadAll(
      `SELECT count(*) AS records,
              count(*) FILTER (WHERE record_type = 'document') AS documents,
              count(*) FILTER (WHERE record_type = 'chunk') AS chunks,
              ${vectors} AS with_embeddings,
              count(DISTINCT collection) AS collections,
              (SELECT value FROM ${META_TABLE} WHERE key = 'schema_version') AS schema_version
       FROM ${DOCUMENTS_TABLE}`,
    );
    const row = reader.getRowObjectsJS()[0] ?? {};
    return {
      records: Number(row.records),
      documents: Number(row.documents),
      chunks: Number(row.chunks),
      with_embeddings: Number(row.with_embeddings),
      collections: Number(row.collections),
      embedding: this.embedding.info,
      schema_version: Number(row.schema_version),
    };
  }
}

function orderTerm(order: OrderBy): string {
  if (!(ORDERABLE_FIELDS as readonly string[]).includes(order.field)) {
    throw new DatasetError('INVALID_ARGUMENT', `Cannot order by ${JSON.stringify(order.field)}; use one of ${ORDERABLE_FIELDS.join(', ')}`);
  }
  const direction = order.direction ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    throw new DatasetError('INVALID_ARGUMENT', `Order direction must be 'asc' or 'desc', got ${JSON.stringify(direction)}`);
  }
  // Both parts are checked against fixed lists above, so they are safe to place in SQL.
  return `${order.field} ${direction.toUpperCase()} NULLS LAST`;
}
