// What happens to the chunks of documents an import replaces: stale ones go, and new ones are cut as the old were.
import { chunkText, type DatasetTransaction, type Embedder, type FrameDataset, type FrameRecord, type JsonObject, type NewRecord } from '@contextframe/dataset';
import { throwIfCancelled } from '../engine/cancellation.js';
import { embedGroups } from '../embedding/embed-groups.js';
import { meanVector } from '../embedding/mean-vector.js';
import { CoreError } from '../errors/core-error.js';
import { type ChunkSettings, chunkRecordOf, chunkSettingsOf } from './chunk-settings.js';

// Uuids per `IN (...)` list: about 40 characters each keeps a filter far below its length limit.
const IDS_PER_FILTER = 1_000;
// Replaced documents read back per step of the rebuild, and most texts per embedder call.
const REBUILD_BATCH = 500;
const EMBED_TEXTS = 1_000;
const DELETE_BATCH = 10_000;
// The most ids the store lists per query.
const MAX_IDS = 1_000_000;

/** How the chunks are rebuilt, and what may stop it. */
export interface ReplacedChunksOptions {
  /** Embed new chunks with `embedder` (else they have no vector). */
  readonly generateEmbeddings: boolean;
  readonly embedder: Embedder;
  readonly signal?: AbortSignal | undefined;
  /** The message of a cancellation. */
  readonly cancelledMessage: string;
}

/** What `apply` changed. */
export interface ReplacedChunksResult {
  /** Stale chunks removed (and any record whose parent was one of them). */
  readonly chunksDeleted: number;
  /** Chunks cut from replaced documents' new content. */
  readonly chunksRebuilt: number;
  /** Vectors the embedder made for those chunks. */
  readonly embeddingsGenerated: number;
}

interface Rebuild {
  /** Settings the file's row gave in its metadata; otherwise those of the document's stored chunks apply. */
  readonly settings: ChunkSettings | undefined;
  /** The import embedded the document's content itself: that vector gives way to the mean of its chunks' vectors. */
  readonly vectorGenerated: boolean;
}

/**
 * Collects, while an import writes, which stored records its rows replace (a set bounded by the replaced
 * records, not by the file), and settles their chunks once every row is written, inside the same transaction.
 * Chunk rows may come before or after their document in a file, so nothing is decided earlier.
 */
export class ReplacedChunks {
  readonly #committed: Pick<FrameDataset, 'ids' | 'get'>;
  readonly #replaced = new Set<string>();
  readonly #rebuild = new Map<string, Rebuild>();

  /**
   * `committed` answers for the dataset as it was before the import: the import's transaction is still open,
   * so its own rows are not there, and the chunks found are exactly those stored before it.
   */
  constructor(committed: Pick<FrameDataset, 'ids' | 'get'>) {
    this.#committed = committed;
  }

  /**
   * Notes that `record`, as written, replaced the stored record `id` (lower-case). A later row for the same
   * uuid overrides what an earlier one asked for, as it overrides the record.
   */
  replaced(id: string, record: NewRecord, vectorGenerated: boolean): void {
    this.#replaced.add(id);
    if (record.parent_id != null) this.#rebuild.delete(id);
    else this.#rebuild.set(id, { settings: settingsIn(record.metadata ?? {}), vectorGenerated });
  }

  /**
   * Inside the import's transaction, after its last row: for each replaced record that was a logical
   * document (no parent_id) before the import, removes its stored chunks that no row of the file carried (by
   * uuid). Then each such document that is still a logical document and got no chunk rows from the file gets
   * chunks cut from its new content, as batch_update cuts changed content: with the chunk settings in its new
   * metadata if it has them, else with those its stored chunks were made with (a document that had no chunks
   * and names no settings stays unchunked). When the import embedded the document itself, the mean of the new
   * chunks' vectors becomes its own. Throws CANCELLED.
   */
  async apply(tx: DatasetTransaction, options: ReplacedChunksOptions): Promise<ReplacedChunksResult> {
    if (this.#replaced.size === 0) return { chunksDeleted: 0, chunksRebuilt: 0, embeddingsGenerated: 0 };
    const documents = await this.#storedDocuments();
    const stale = await this.#staleChunks(documents);
    let chunksDeleted = 0;
    for (let i = 0; i < stale.length; i += DELETE_BATCH) {
      throwIfCancelled(options.signal, options.cancelledMessage);
      const result = await tx.delete(stale.slice(i, i + DELETE_BATCH));
      chunksDeleted += result.deleted.length + result.chunksDeleted;
    }
    const candidates = documents.filter((id) => this.#rebuild.has(id));
    let chunksRebuilt = 0;
    let embeddingsGenerated = 0;
    for (let i = 0; i < candidates.length; i += REBUILD_BATCH) {
      throwIfCancelled(options.signal, options.cancelledMessage);
      const built = await this.#rebuildChunks(tx, candidates.slice(i, i + REBUILD_BATCH), options);
      chunksRebuilt += built.chunks;
      embeddingsGenerated += built.vectors;
    }
    return { chunksDeleted, chunksRebuilt, embeddingsGenerated };
  }

  /** The replaced records that were logical documents before the import. */
  async #storedDocuments(): Promise<string[]> {
    const ids = [...this.#replaced];
    const documents: string[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
      const slice = ids.slice(i, i + IDS_PER_FILTER);
      documents.push(...(await this.#committed.ids(`parent_id IS NULL AND uuid IN (${quoted(slice)})`, slice.length)));
    }
    return documents;
  }

  /** The chunks `documents` had before the import that no row of the file replaced. */
  async #staleChunks(documents: readonly string[]): Promise<string[]> {
    const stale: string[] = [];
    for (let i = 0; i < documents.length; i += IDS_PER_FILTER) await this.#collectStale(documents.slice(i, i + IDS_PER_FILTER), stale);
    return stale;
  }

  // The store lists at most MAX_IDS ids per query: documents with more chunks than that are asked about in halves.
  async #collectStale(documents: readonly string[], stale: string[]): Promise<void> {
    const chunks = await this.#committed.ids(`parent_id IN (${quoted(documents)})`, MAX_IDS);
    if (chunks.length >= MAX_IDS) {
      if (documents.length === 1) {
        throw new CoreError(
          'TOO_LARGE',
          `Document ${documents[0]} has ${MAX_IDS.toLocaleString('en-US')} or more chunks, too many to replace by import; nothing was imported. ` +
            'Delete it with batch_delete first, then import it again.',
          { data: { uuid: documents[0] } },
        );
      }
      const middle = Math.ceil(documents.length / 2);
      await this.#collectStale(documents.slice(0, middle), stale);
      await this.#collectStale(documents.slice(middle), stale);
      return;
    }
    for (const id of chunks) if (!this.#replaced.has(id)) stale.push(id);
  }

  async #rebuildChunks(tx: DatasetTransaction, ids: readonly string[], options: ReplacedChunksOptions): Promise<{ chunks: number; vectors: number }> {
    const read = await tx.get(ids, { includeEmbedding: false, includeChunks: true });
    const carried = new Set(read.flatMap((record) => (record.parent_id === null ? [] : [record.parent_id])));
    const wanted = new Set(ids);
    // A document whose file rows brought chunks keeps those; a row that made it a chunk itself gets none.
    const documents = read.filter((record) => wanted.has(record.uuid) && record.parent_id === null && !carried.has(record.uuid));
    const previous = await this.#previousSettings(documents.filter((document) => this.#rebuild.get(document.uuid)!.settings === undefined));
    const plans = documents.flatMap((document) => {
      const { settings: given, vectorGenerated } = this.#rebuild.get(document.uuid)!;
      const settings = given ?? previous.get(document.uuid);
      if (settings === undefined) return [];
      const texts = chunkText(document.content, { chunkSize: settings.size, chunkOverlap: settings.overlap }).map((chunk) => chunk.text);
      return [{ document, settings, vectorGenerated, texts }];
    });
    const vectors = options.generateEmbeddings ? await embedAll(plans.flatMap((plan) => plan.texts), options) : undefined;
    const chunks: NewRecord[] = [];
    const documentVectors: NewRecord[] = [];
    let next = 0;
    for (const { document, settings, vectorGenerated, texts } of plans) {
      const own = vectors?.slice(next, next + texts.length);
      next += texts.length;
      chunks.push(...texts.map((text, i) => chunkRecordOf(document, settings, text, i, own?.[i] ?? null)));
      // As batch_add and batch_update do, a chunked document's vector is the mean of its chunks' vectors.
      if (own !== undefined && vectorGenerated) documentVectors.push(withVector(document, own.length > 0 ? meanVector(own) : null));
    }
    throwIfCancelled(options.signal, options.cancelledMessage);
    const writeOptions = options.generateEmbeddings ? { embeddingModel: options.embedder.id } : {};
    if (chunks.length > 0) await tx.add(chunks, writeOptions);
    // An upsert with the record's own timestamps changes its vector alone: updated_at stays what the file gave.
    if (documentVectors.length > 0) await tx.upsert(documentVectors, writeOptions);
    return { chunks: chunks.length, vectors: vectors?.length ?? 0 };
  }

  /** The settings the stored chunks of `documents` were made with, read as the dataset was before the import. */
  async #previousSettings(documents: readonly FrameRecord[]): Promise<Map<string, ChunkSettings>> {
    const settings = new Map<string, ChunkSettings>();
    if (documents.length === 0) return settings;
    const stored = await this.#committed.get(
      documents.map((document) => document.uuid),
      { includeEmbedding: false, includeChunks: true },
    );
    const chunks = new Map<string, FrameRecord[]>();
    for (const record of stored) {
      if (record.parent_id === null) continue;
      const list = chunks.get(record.parent_id) ?? [];
      list.push(record);
      chunks.set(record.parent_id, list);
    }
    for (const [parent, list] of chunks) {
      const found = chunkSettingsOf(list);
      if (found !== undefined) settings.set(parent, found.settings);
    }
    return settings;
  }
}

/** Embeds `texts` a run at a time, checking for cancellation between calls; the first failure fails them all. */
async function embedAll(texts: readonly string[], options: ReplacedChunksOptions): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += EMBED_TEXTS) {
    throwIfCancelled(options.signal, options.cancelledMessage);
    // One group: the embedder's answer is checked (a vector per text, of its dimension), never bisected.
    const [result] = await embedGroups(options.embedder, [texts.slice(i, i + EMBED_TEXTS)], options.signal);
    if (!result!.ok) throw result!.error;
    vectors.push(...result!.vectors);
  }
  return vectors;
}

function withVector(record: FrameRecord, embedding: Float32Array | null): NewRecord {
  return { ...record, embedding };
}

/** Valid chunk settings recorded in `metadata`, read by the same rules as a chunk's (see chunkSettingsOf). */
function settingsIn(metadata: JsonObject): ChunkSettings | undefined {
  const found = chunkSettingsOf([{ content: '', metadata, chunk_index: 0 }]);
  return found?.recorded === true ? found.settings : undefined;
}

// Only uuids checked by isUuid and lower-cased, or read back from the store, are quoted here: no escaping needed.
function quoted(ids: readonly string[]): string {
  return ids.map((id) => `'${id}'`).join(', ');
}
