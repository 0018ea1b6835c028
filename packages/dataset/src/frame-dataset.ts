// FrameDataset: a DuckDB file of records, with callback-scoped transactions and auto-commit reads.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { z } from 'zod';
import { DatasetError } from './errors.js';
import type { FrameRecord, NewRecord } from './record.js';
import { META_TABLE, SCHEMA_DDL, SCHEMA_VERSION } from './schema.js';
import type { SearchOutcome } from './search/search.js';
import type { Bm25Options, SearchHit, SearchRequest } from './search/search-types.js';
import type { TermStatistics } from './search/term-statistics.js';
import { DEFAULT_TEXT_CACHE_BYTES, TextCache } from './search/text-cache.js';
import { TextIndex } from './search/text-index.js';
import { DEFAULT_VECTOR_CACHE_BYTES, VectorCache } from './search/vector-cache.js';
import { ConnectionPool } from './store/connection-pool.js';
import {
  type CollectionInfo,
  DatasetReader,
  type DatasetStats,
  type EmbeddingInfo,
  type EmbeddingState,
  type GetOptions,
  type QueryOptions,
  type ScanOptions,
} from './store/dataset-reader.js';
import {
  type DeleteResult,
  DatasetTransaction,
  type RecordUpdate,
  type UpdateResult,
  type UpsertResult,
  type WriteOptions,
} from './store/dataset-transaction.js';
import { fromDuckDBError } from './store/duckdb-errors.js';

export interface OpenOptions {
  /** A DuckDB file (created with its parent folders if missing) or `':memory:'`. */
  readonly path: string;
  /** DuckDB worker threads (default: DuckDB's own choice, one per core). */
  readonly threads?: number;
  /** DuckDB memory limit, e.g. `'2GB'`. */
  readonly memoryLimit?: string;
  /**
   * Memory for an in-memory copy of the vectors that vector search scans (default 1 GiB: 700,000 vectors of
   * 384 dimensions). Larger datasets are searched in DuckDB instead; 0 turns the copy off.
   */
  readonly vectorCacheBytes?: number;
  /**
   * Memory for an in-memory copy of the BM25 index that text and hybrid search rank from (default 512 MiB:
   * about 2.5 million short records of 10 distinct terms, at about 100 bytes a record and 8 a record-term
   * pair). A larger index is searched in DuckDB instead; 0 turns the copy off.
   */
  readonly textCacheBytes?: number;
}

/** A cache budget: whole bytes, 0 (no cache) or more. */
const cacheBytes = z.number().int().nonnegative();

/** The budget option `name` (or `fallback` when not given), checked; INVALID_ARGUMENT when it is not one. */
function cacheBudget(name: string, value: number | undefined, fallback: number): number {
  const parsed = cacheBytes.safeParse(value ?? fallback);
  if (!parsed.success) {
    throw new DatasetError('INVALID_ARGUMENT', `${name} must be a whole number of bytes, 0 or more (0 turns the copy off), got ${value}`);
  }
  return parsed.data;
}

export interface TransactionOptions {
  /** Aborting rolls the transaction back when its callback settles, even if the callback succeeded. */
  readonly signal?: AbortSignal;
}

/**
 * A dataset of records in one DuckDB file. Reads run on pooled connections; writes run in
 * `transaction(async tx => ...)`, each on a connection of its own, so several can run at once.
 * The single-call write methods (`add`, `update`, ...) each run in a transaction of their own.
 */
export class FrameDataset {
  readonly path: string;
  readonly #instance: DuckDBInstance;
  readonly #pool: ConnectionPool;
  readonly #embedding: EmbeddingState;
  readonly #textIndex: TextIndex;
  readonly #vectors: VectorCache;
  readonly #text: TextCache;
  readonly #active = new Set<Promise<unknown>>();
  #closed = false;

  private constructor(path: string, instance: DuckDBInstance, embedding: EmbeddingState, vectorCacheBytes: number, textCacheBytes: number) {
    this.path = path;
    this.#instance = instance;
    this.#pool = new ConnectionPool(instance);
    this.#embedding = embedding;
    this.#textIndex = new TextIndex();
    this.#vectors = new VectorCache(vectorCacheBytes);
    this.#text = new TextCache(textCacheBytes);
  }

  /** Opens (or creates) a dataset. Fails with SCHEMA_TOO_NEW for a file written by a newer release. */
  static async open(options: OpenOptions): Promise<FrameDataset> {
    const vectorCacheBytes = cacheBudget('vectorCacheBytes', options.vectorCacheBytes, DEFAULT_VECTOR_CACHE_BYTES);
    const textCacheBytes = cacheBudget('textCacheBytes', options.textCacheBytes, DEFAULT_TEXT_CACHE_BYTES);
    const path = options.path === ':memory:' ? ':memory:' : resolve(options.path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    // Nothing may be downloaded at run time: DuckDB must never fetch an extension on its own.
    const config: Record<string, string> = { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' };
    if (options.threads !== undefined) config.threads = String(options.threads);
    if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path, config);
    } catch (error) {
      throw new DatasetError('INVALID_ARGUMENT', `Cannot open dataset ${path}: ${(error as Error).message}`, { cause: error });
    }
    try {
      const connection = await instance.connect();
      try {
        const embedding = await migrate(connection, path);
        return new FrameDataset(path, instance, { info: embedding }, vectorCacheBytes, textCacheBytes);
      } finally {
        connection.closeSync();
      }
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** The embedding model and dimension the dataset's vectors use, or null before any were written. */
  get embeddingInfo(): EmbeddingInfo | null {
    return this.#embedding.info;
  }

  /**
   * Runs `fn` in one transaction on a connection of its own: commits when it resolves, rolls back when it
   * throws (or when `signal` aborted), then rethrows. A write-write conflict with another transaction
   * fails with TX_CONFLICT (retryable: nothing was written).
   */
  transaction<T>(fn: (tx: DatasetTransaction) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return this.#track(() =>
      this.#pool.use(async (connection) => {
        await connection.run('BEGIN TRANSACTION');
        const tx = new DatasetTransaction(connection, this.#embedding, this.#textIndex);
        try {
          const result = await fn(tx);
          options.signal?.throwIfAborted();
          await connection.run('COMMIT');
          this.#embedding.info = tx.embeddingInfo;
          if (tx.wrote) {
            this.#vectors.committed(tx.vectorChanges);
            this.#text.committed(tx.textChanges);
          }
          return result;
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => {
            // DuckDB already rolled back a transaction whose commit failed; nothing is left to undo.
          });
          throw fromDuckDBError(abortReason(error, options.signal));
        } finally {
          tx.end();
        }
      }),
    );
  }

  /** Runs `fn` with an auto-commit reader on a pooled connection. */
  read<T>(fn: (reader: DatasetReader) => Promise<T>): Promise<T> {
    return this.#track(() => this.#pool.use((connection) => fn(new DatasetReader(connection, this.#embedding, this.#vectors, this.#text))));
  }

  /** Adds records in one transaction and returns their uuids, in order. */
  add(records: readonly NewRecord[], options?: WriteOptions): Promise<string[]> {
    return this.transaction((tx) => tx.add(records, options));
  }

  /** Adds or replaces records in one transaction. */
  upsert(records: readonly NewRecord[], options?: WriteOptions): Promise<UpsertResult> {
    return this.transaction((tx) => tx.upsert(records, options));
  }

  /** Patches records in one transaction. */
  update(updates: readonly RecordUpdate[], options?: WriteOptions): Promise<UpdateResult> {
    return this.transaction((tx) => tx.update(updates, options));
  }

  /** Deletes records (and the chunks of deleted documents) in one transaction. */
  delete(ids: readonly string[]): Promise<DeleteResult> {
    return this.transaction((tx) => tx.delete(ids));
  }

  /** Records by id, in the order asked; unknown ids are left out. */
  get(ids: readonly string[], options?: GetOptions): Promise<FrameRecord[]> {
    return this.read((reader) => reader.get(ids, options));
  }

  /** Records matching a filter, ordered and paged. */
  query(options?: QueryOptions): Promise<FrameRecord[]> {
    return this.read((reader) => reader.query(options));
  }

  /** Which of the ids exist. */
  existing(ids: readonly string[]): Promise<Set<string>> {
    return this.read((reader) => reader.existing(ids));
  }

  /** How many records match a filter. */
  count(filter?: string | null): Promise<number> {
    return this.read((reader) => reader.count(filter));
  }

  /** The uuids of records matching a filter. */
  ids(filter?: string | null, limit?: number): Promise<string[]> {
    return this.read((reader) => reader.ids(filter, limit));
  }

  /** Runs many searches in one pass per method; each search succeeds or fails on its own. */
  searchMany(requests: readonly SearchRequest[], bm25?: Bm25Options): Promise<SearchOutcome[]> {
    return this.read((reader) => reader.searchMany(requests, bm25));
  }

  /** Runs one search; throws the DatasetError that fails it. */
  search(request: SearchRequest, bm25?: Bm25Options): Promise<SearchHit[]> {
    return this.read((reader) => reader.search(request, bm25));
  }

  /** How many records the text index holds and how many contain each term; see DatasetReader.termStatistics. */
  termStatistics(terms: readonly string[]): Promise<TermStatistics> {
    return this.read((reader) => reader.termStatistics(terms));
  }

  /** Record counts per collection. */
  collections(): Promise<CollectionInfo[]> {
    return this.read((reader) => reader.collections());
  }

  /** Counts and settings of the whole dataset. */
  stats(): Promise<DatasetStats> {
    return this.read((reader) => reader.stats());
  }

  /** Streams the records matching a filter in batches; see DatasetReader.scan. */
  scan(options?: ScanOptions): AsyncGenerator<FrameRecord[]> {
    return this.#stream((reader) => reader.scan(options));
  }

  /** Streams the records matching a filter as JSON text lines; see DatasetReader.scanJson. */
  scanJson(options?: ScanOptions): AsyncGenerator<string[]> {
    return this.#stream((reader) => reader.scanJson(options));
  }

  /** Runs a streaming read on a connection of its own, closed when the stream ends or is abandoned. */
  async *#stream<T>(read: (reader: DatasetReader) => AsyncGenerator<T>): AsyncGenerator<T> {
    this.#checkOpen();
    const connection = await this.#instance.connect();
    try {
      yield* read(new DatasetReader(connection, this.#embedding));
    } finally {
      connection.closeSync();
    }
  }

  /** Waits for running work, then closes the file. Later calls fail with DATASET_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#active]);
    this.#pool.close();
    this.#instance.closeSync();
  }

  #checkOpen(): void {
    if (this.#closed) throw closedError(this.path);
  }

  #track<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(closedError(this.path));
    const promise = work();
    this.#active.add(promise);
    const forget = () => this.#active.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

function closedError(path: string): DatasetError {
  return new DatasetError('DATASET_CLOSED', `Dataset ${path} is closed; open it again to use it.`);
}

function abortReason(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted && error === signal.reason) {
    return new DatasetError('ABORTED', 'The operation was cancelled; nothing of it was written.', { cause: error });
  }
  return error;
}

/** Creates or checks the schema and returns the embedding settings the file remembers. */
async function migrate(connection: DuckDBConnection, path: string): Promise<EmbeddingInfo | null> {
  const tables = await connection.runAndReadAll(
    `SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_name = $1`,
    [META_TABLE],
  );
  if (tables.currentRowCount > 0) {
    const found = await readMeta(connection);
    const version = Number(found.get('schema_version'));
    if (!Number.isInteger(version)) {
      throw new DatasetError('INVALID_ARGUMENT', `${path} has a ${META_TABLE} table without a schema version; it was not written by contextframe.`);
    }
    if (version > SCHEMA_VERSION) {
      throw new DatasetError(
        'SCHEMA_TOO_NEW',
        `${path} uses dataset schema version ${version}, but this release reads up to version ${SCHEMA_VERSION}; upgrade contextframe to open it.`,
        { data: { found: version, supported: SCHEMA_VERSION } },
      );
    }
    // Version 1 is the first schema: there is nothing older to migrate from yet.
    const dimensions = found.get('embedding_dimensions');
    return dimensions === undefined ? null : { model: found.get('embedding_model') ?? null, dimensions: Number(dimensions) };
  }
  await connection.run('BEGIN TRANSACTION');
  try {
    for (const statement of [...SCHEMA_DDL, ...TextIndex.DDL]) await connection.run(statement);
    await connection.run(`INSERT INTO ${META_TABLE} (key, value) VALUES ('schema_version', $1)`, [String(SCHEMA_VERSION)]);
    await connection.run('COMMIT');
  } catch (error) {
    await connection.run('ROLLBACK');
    throw error;
  }
  return null;
}

async function readMeta(connection: DuckDBConnection): Promise<Map<string, string>> {
  const reader = await connection.runAndReadAll(`SELECT key, value FROM ${META_TABLE}`);
  return new Map(reader.getRows().map((row) => [row[0] as string, row[1] as string]));
}
