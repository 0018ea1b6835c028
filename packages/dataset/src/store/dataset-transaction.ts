// Write operations inside one DuckDB transaction; a FrameDataset hands one to each transaction callback.
import { type DuckDBConnection, listValue } from '@duckdb/node-api';
import { DatasetError } from '../errors.js';
import type { VectorChanges } from '../search/patched-snapshot.js';
import type { TextChanges } from '../search/patched-text-snapshot.js';
import type { TermCounts } from '../search/text-snapshot.js';
import type { NewRecord, RecordPatch } from '../record.js';
import { DOCUMENTS_TABLE, META_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';
import { DatasetReader, type EmbeddingInfo, type EmbeddingState } from './dataset-reader.js';
import { normalizeUuid, patchStoredRow, type StoredRow, toStoredRow } from './record-codec.js';
import { appendRows } from './row-io.js';
import { UuidSet } from './uuid-set.js';

/** Vector changes a transaction tracks for the vector cache; a larger write makes the next search reload. */
const MAX_TRACKED_VECTOR_CHANGES = 20_000;
/**
 * Records and postings (record-term pairs) a transaction tracks for the text cache; a larger write makes the
 * next text search reload. The postings cap bounds the memory of a write of few but long records.
 */
const MAX_TRACKED_TEXT_CHANGES = 20_000;
const MAX_TRACKED_TEXT_POSTINGS = 1_000_000;
/** V8 makes a substring of this many characters or more a view into its parent string (SlicedString). */
const SLICED_STRING_LENGTH = 13;

/** A term that does not hold its record's whole indexed text in memory, as a long token cut from it would. */
function detached(term: string): string {
  return term.length < SLICED_STRING_LENGTH ? term : Buffer.from(term).toString();
}

/** Options for writes that may carry vectors. */
export interface WriteOptions {
  /** The id of the model that produced the vectors; checked against the one the dataset remembers. */
  readonly embeddingModel?: string;
}

/** Sees, for the `index`-th inserted row, its indexed length in terms and how often each term occurs. */
export type IndexedObserver = (index: number, length: number, frequencies: ReadonlyMap<string, number>) => void;

/** Work that must happen in the same transaction as every write: the text index keeps itself current here. */
export interface WriteHooks {
  /** Indexes inserted rows; `observe`, when given, sees what was indexed for each (so nothing is tokenized twice). */
  afterInsert(connection: DuckDBConnection, rows: readonly StoredRow[], observe?: IndexedObserver): Promise<void>;
  beforeDelete(connection: DuckDBConnection, uuids: readonly string[]): Promise<void>;
}

/** One patch of an update: which record, and what changes. */
export interface RecordUpdate {
  readonly uuid: string;
  readonly patch: RecordPatch;
}

export interface UpdateResult {
  readonly updated: string[];
  readonly notFound: string[];
}

export interface UpsertResult {
  readonly inserted: string[];
  readonly replaced: string[];
}

export interface DeleteResult {
  /** The requested ids that existed and are gone. */
  readonly deleted: string[];
  /** The requested ids that did not exist. */
  readonly notFound: string[];
  /** Chunks removed with their documents (not counted in `deleted`). */
  readonly chunksDeleted: number;
}

/**
 * Reads and writes inside one open transaction. Valid only until its callback settles; every write is
 * undone if the callback throws.
 */
export class DatasetTransaction extends DatasetReader {
  readonly #hooks: WriteHooks;
  /** The embedding settings as this transaction sees them; published to the dataset on commit. */
  readonly #local: EmbeddingState;
  #open = true;
  /**
   * When the dataset held no records as this transaction first looked, the ids it has added since: existence
   * is then answered here, without a query that scans every uuid (the transaction's own rows included).
   * Null while unknown or when the dataset had records.
   */
  #added: UuidSet | null = null;
  #probe: Promise<void> | null = null;
  /** Writes begun so far; answers that a write may have overtaken are not kept. */
  #writes = 0;
  #vectorChanges: Map<string, Float32Array | null> | null = new Map();
  #textChanges: Map<string, TermCounts | null> | null = new Map();
  /** Postings held in `#textChanges`. */
  #textPostings = 0;
  /**
   * Ids an `existing` query found missing and no write of this transaction has added since: `add` need not
   * look them up again (a caller that checked first, as imports do, would otherwise pay for two scans).
   */
  readonly #absent = new Set<string>();

  constructor(connection: DuckDBConnection, shared: EmbeddingState, hooks: WriteHooks) {
    const local: EmbeddingState = { info: shared.info };
    super(connection, local);
    this.#local = local;
    this.#hooks = hooks;
  }

  /** The embedding settings after this transaction's writes. */
  get embeddingInfo(): EmbeddingInfo | null {
    return this.#local.info;
  }

  /** Whether this transaction changed any record. */
  get wrote(): boolean {
    return this.#writes > 0;
  }

  /** Ends the transaction's life: later calls fail instead of writing outside it. */
  end(): void {
    this.#open = false;
  }

  protected override get inTransaction(): boolean {
    return true;
  }

  protected override checkOpen(): void {
    if (!this.#open) {
      throw new DatasetError('INVALID_ARGUMENT', 'This transaction has ended; start a new dataset.transaction() to read or write.');
    }
  }

  /** Which of the ids exist, as this transaction sees them. */
  override async existing(ids: readonly string[]): Promise<Set<string>> {
    this.checkOpen();
    await this.#probeOnce();
    const added = this.#added;
    if (added !== null) return new Set(ids.filter((id) => added.has(id)));
    const writes = this.#writes;
    const found = await super.existing(ids);
    if (this.#writes === writes) for (const id of ids) if (!found.has(id)) this.#absent.add(id);
    return found;
  }

  /** Adds records; any uuid that exists already (or repeats in the batch) fails the whole call with DUPLICATE_ID. */
  async add(records: readonly NewRecord[], options: WriteOptions = {}): Promise<string[]> {
    this.checkOpen();
    const now = Date.now();
    const rows = records.map((record, index) => toStoredRow(record, index, now));
    const seen = new Map<string, number>();
    rows.forEach((row, index) => {
      const first = seen.get(row.uuid);
      if (first !== undefined) {
        throw new DatasetError('DUPLICATE_ID', `Records ${first} and ${index} share uuid ${row.uuid}; each record needs its own.`, {
          data: { uuid: row.uuid, index },
        });
      }
      seen.set(row.uuid, index);
    });
    await this.#probeOnce();
    const unknown = this.#added === null ? [...seen.keys()].filter((id) => !this.#absent.has(id)) : [...seen.keys()];
    const existing = unknown.length === 0 ? new Set<string>() : await this.existing(unknown);
    if (existing.size > 0) {
      const index = rows.findIndex((row) => existing.has(row.uuid));
      const uuid = rows[index]!.uuid;
      throw new DatasetError('DUPLICATE_ID', `Record ${index}: uuid ${uuid} already exists; use upsert or update to change it.`, {
        data: { uuid, index },
      });
    }
    await this.#write(rows, options);
    return rows.map((row) => row.uuid);
  }

  /** Adds new records and replaces existing ones (keeping their `created_at` unless one is given). */
  async upsert(records: readonly NewRecord[], options: WriteOptions = {}): Promise<UpsertResult> {
    this.checkOpen();
    const now = Date.now();
    // The last record for a uuid wins; `given` remembers which timestamps the caller set explicitly.
    const byId = new Map<string, { row: StoredRow; given: NewRecord }>();
    records.forEach((record, index) => {
      const row = toStoredRow(record, index, now);
      byId.set(row.uuid, { row, given: record });
    });
    const current = new Map((await this.rowsByIds([...byId.keys()], false)).map((row) => [row.uuid, row]));
    const inserted: string[] = [];
    const replaced: string[] = [];
    for (const { row, given } of byId.values()) {
      const old = current.get(row.uuid);
      if (old === undefined) {
        inserted.push(row.uuid);
        continue;
      }
      replaced.push(row.uuid);
      if (given.created_at === undefined) row.created_ms = old.created_ms;
      if (given.updated_at === undefined) row.updated_ms = Math.max(row.updated_ms, old.updated_ms + 1);
    }
    await this.#remove(replaced);
    await this.#write([...byId.values()].map((entry) => entry.row), options);
    return { inserted, replaced };
  }

  /** Applies patches; unknown ids are reported, not errors. Patches to the same id apply in order. */
  async update(updates: readonly RecordUpdate[], options: WriteOptions = {}): Promise<UpdateResult> {
    this.checkOpen();
    const now = Date.now();
    const ids = updates.map((update, index) => normalizeUuid(update.uuid, index));
    const rows = new Map((await this.rowsByIds(ids, true)).map((row) => [row.uuid, row]));
    const notFound = new Set<string>();
    const changed = new Map<string, StoredRow>();
    updates.forEach((update, index) => {
      const id = ids[index]!;
      const current = changed.get(id) ?? rows.get(id);
      if (current === undefined) {
        notFound.add(id);
        return;
      }
      changed.set(id, patchStoredRow(current, update.patch, index, now));
    });
    await this.#remove([...changed.keys()]);
    await this.#write([...changed.values()], options);
    return { updated: [...changed.keys()], notFound: [...notFound] };
  }

  /** Deletes records by id, and the chunks of any document among them. */
  async delete(ids: readonly string[]): Promise<DeleteResult> {
    this.checkOpen();
    const wanted = [...new Set(ids.map((id, index) => normalizeUuid(id, index)))];
    if (wanted.length === 0) return { deleted: [], notFound: [], chunksDeleted: 0 };
    const params = new SqlParams();
    const list = params.add(listValue(wanted));
    const reader = await this.connection.runAndReadAll(
      `SELECT uuid, uuid IN (SELECT unnest(${list})) AS asked FROM ${DOCUMENTS_TABLE}
       WHERE uuid IN (SELECT unnest(${list})) OR parent_id IN (SELECT unnest(${list}))`,
      params.values,
      params.types,
    );
    const found = reader.getRows().map((row) => ({ uuid: row[0] as string, asked: row[1] as boolean }));
    const deleted = new Set(found.filter((row) => row.asked).map((row) => row.uuid));
    await this.#remove(found.map((row) => row.uuid));
    return {
      deleted: wanted.filter((id) => deleted.has(id)),
      notFound: wanted.filter((id) => !deleted.has(id)),
      chunksDeleted: found.length - deleted.size,
    };
  }

  /** Once, before any write, finds out whether the dataset holds any record (see `#added`). */
  #probeOnce(): Promise<void> {
    this.#probe ??= (async () => {
      // After a write the table would count this transaction's own rows: existence stays with the table.
      if (this.#writes > 0) return;
      const reader = await this.connection.runAndReadAll(`SELECT 1 FROM ${DOCUMENTS_TABLE} LIMIT 1`);
      if (reader.currentRowCount === 0 && this.#writes === 0) this.#added = new UuidSet();
    })();
    return this.#probe;
  }

  /**
   * What this transaction did to the vectors, uuid by uuid, so the vector cache can lay it over its snapshot
   * after the commit; null when it changed more records than are worth tracking (the cache then reloads).
   */
  get vectorChanges(): VectorChanges | null {
    return this.#vectorChanges;
  }

  #trackVector(uuid: string, vector: Float32Array | null): void {
    const changes = this.#vectorChanges;
    if (changes === null) return;
    changes.set(uuid, vector);
    // Past this, holding every written vector until the commit costs more memory than a reload costs time.
    if (changes.size > MAX_TRACKED_VECTOR_CHANGES) this.#vectorChanges = null;
  }

  /**
   * Tracks the vectors of written rows as copies (the caller may reuse its arrays once the write returns), all
   * in one block: one allocation per write, not one per row.
   */
  #trackWrittenVectors(rows: readonly StoredRow[]): void {
    if (this.#vectorChanges === null) return;
    let floats = 0;
    for (const row of rows) floats += row.embedding?.length ?? 0;
    const block = new Float32Array(floats);
    let at = 0;
    for (const row of rows) {
      const vector = row.embedding;
      if (vector === null) {
        this.#trackVector(row.uuid, null);
        continue;
      }
      block.set(vector, at);
      this.#trackVector(row.uuid, block.subarray(at, at + vector.length));
      at += vector.length;
    }
  }

  /**
   * What this transaction did to the text index, uuid by uuid, so the text cache can lay it over its snapshot
   * after the commit; null when it changed more records or postings than are worth tracking (the cache then
   * reloads).
   */
  get textChanges(): TextChanges | null {
    return this.#textChanges;
  }

  #trackText(uuid: string, counts: TermCounts | null): void {
    const changes = this.#textChanges;
    if (changes === null) return;
    this.#textPostings += (counts?.terms.length ?? 0) - (changes.get(uuid)?.terms.length ?? 0);
    changes.set(uuid, counts);
    // Past this, holding every written record's terms until the commit costs more memory than a reload costs time.
    if (changes.size > MAX_TRACKED_TEXT_CHANGES || this.#textPostings > MAX_TRACKED_TEXT_POSTINGS) this.#textChanges = null;
  }

  /** The observer that tracks what the text index makes of written rows, or undefined once tracking stopped. */
  #textObserver(rows: readonly StoredRow[]): IndexedObserver | undefined {
    if (this.#textChanges === null) return undefined;
    return (index, length, frequencies) => {
      if (this.#textChanges === null) return;
      this.#trackText(rows[index]!.uuid, { length, terms: Array.from(frequencies.keys(), detached), tfs: Int32Array.from(frequencies.values()) });
    };
  }

  async #remove(uuids: readonly string[]): Promise<void> {
    if (uuids.length === 0) return;
    this.#writes++;
    for (const uuid of uuids) {
      this.#trackVector(uuid, null);
      this.#trackText(uuid, null);
    }
    if (this.#added !== null) for (const uuid of uuids) this.#added.delete(uuid);
    await this.#hooks.beforeDelete(this.connection, uuids);
    const params = new SqlParams();
    const list = params.add(listValue([...uuids]));
    await this.connection.run(`DELETE FROM ${DOCUMENTS_TABLE} WHERE uuid IN (SELECT unnest(${list}))`, params.values, params.types);
  }

  async #write(rows: readonly StoredRow[], options: WriteOptions): Promise<void> {
    if (rows.length === 0) return;
    this.#writes++;
    await this.#prepareEmbeddingColumn(rows, options);
    await appendRows(this.connection, rows, this.#local.info?.dimensions ?? null);
    await this.#hooks.afterInsert(this.connection, rows, this.#textObserver(rows));
    this.#trackWrittenVectors(rows);
    for (const row of rows) {
      this.#added?.add(row.uuid);
      this.#absent.delete(row.uuid);
    }
  }

  /**
   * Checks every vector against the dimension and model the dataset remembers, and on the first vectors
   * ever written records them and adds the `embedding FLOAT[n]` column.
   */
  async #prepareEmbeddingColumn(rows: readonly StoredRow[], options: WriteOptions): Promise<void> {
    const first = rows.findIndex((row) => row.embedding !== null);
    if (first === -1) return;
    const info = this.#local.info;
    const dimensions = info?.dimensions ?? rows[first]!.embedding!.length;
    rows.forEach((row, index) => {
      if (row.embedding !== null && row.embedding.length !== dimensions) {
        throw new DatasetError(
          'EMBEDDING_MISMATCH',
          `Record ${index} has a ${row.embedding.length}-dimension embedding but this dataset stores ${dimensions}-dimension vectors` +
            `${info?.model ? ` from ${info.model}` : ''}; use the same embedder or a new dataset.`,
          { data: { index, expected: dimensions, actual: row.embedding.length } },
        );
      }
    });
    const model = options.embeddingModel ?? null;
    if (info !== null) {
      if (model !== null && info.model !== null && model !== info.model) {
        throw new DatasetError(
          'EMBEDDING_MISMATCH',
          `This dataset's vectors come from ${info.model}; vectors from ${model} cannot be mixed with them. Configure ${info.model} or use a new dataset.`,
          { data: { expected: info.model, actual: model } },
        );
      }
      if (model !== null && info.model === null) {
        await this.#setMeta('embedding_model', model);
        this.#local.info = { model, dimensions };
      }
      return;
    }
    await this.connection.run(`ALTER TABLE ${DOCUMENTS_TABLE} ADD COLUMN embedding FLOAT[${dimensions}]`);
    await this.#setMeta('embedding_dimensions', String(dimensions));
    if (model !== null) await this.#setMeta('embedding_model', model);
    this.#local.info = { model, dimensions };
  }

  async #setMeta(key: string, value: string): Promise<void> {
    await this.connection.run(`INSERT OR REPLACE INTO ${META_TABLE} (key, value) VALUES ($1, $2)`, [key, value]);
  }
}
