// The slow half of an update: read each record with its chunks, work out every change, cut and embed new content.
import { chunkText, type FrameRecord, type NewRecord, type RecordPatch, type RecordUpdate } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';
import { checkEmbedderFits } from '../embedding/check-embedder.js';
import { embedGroups } from '../embedding/embed-groups.js';
import { meanVector } from '../embedding/mean-vector.js';
import type { BatchContext } from '../engine/batch-context.js';
import { CHUNK_COPIED_FIELDS, CHUNKING_METADATA_KEY, type ChunkParent, type ChunkSettings, chunkRecordOf, chunkSettingsOf } from '../ingest/chunk-settings.js';
import { mergeMetadata } from './merge-metadata.js';
import type { UpdatePlan } from './update-plan.js';

/** One record's change, ready to write; the write checks every `versions` entry is still current. */
export interface PlannedUpdate {
  readonly uuid: string;
  /** updated_at of the record and of each of its chunks, as read: the write refuses to overwrite a newer version. */
  readonly versions: ReadonlyMap<string, string>;
  /** The record's own patch. */
  readonly patch: RecordPatch;
  /** Chunks kept, with the fields, metadata or vectors they follow. */
  readonly chunkUpdates: readonly RecordUpdate[];
  /** Chunks of the old content, removed. */
  readonly removedChunks: readonly string[];
  /** Chunks of the new content, added. */
  readonly newChunks: readonly NewRecord[];
  /** The record's content changed and was embedded again. */
  readonly reembedded: boolean;
  /** Some vector is written (the store then checks the embedder's model). */
  readonly writesVectors: boolean;
}

/** A record's planned change, or why it can't be made (`missing`: it was deleted since it was selected). */
export type PreparedUpdate = { readonly ok: true; readonly value: PlannedUpdate } | { readonly ok: false; readonly cause: unknown; readonly missing: boolean };

/** What one record's change needs embedded, before the vectors exist. */
interface Draft {
  readonly record: FrameRecord;
  readonly chunks: readonly FrameRecord[];
  readonly patch: RecordPatch;
  readonly chunkUpdates: readonly RecordUpdate[];
  /** Texts to embed, or undefined when nothing is embedded. Blank texts are left out (no vector), as in batch_add. */
  readonly texts: readonly string[] | undefined;
  /** Set when the content changed: the chunks of the new content (a chunked record only). */
  readonly rechunk: { readonly settings: ChunkSettings; readonly texts: readonly string[] } | undefined;
  /** Content changed but is not embedded again: its vectors go. */
  readonly clearVectors: boolean;
  /** Re-embedding unchanged chunks (regenerate_embeddings alone): the chunks the texts are, in order. */
  readonly reembedChunks: readonly FrameRecord[] | undefined;
}

type MutablePatch = { -readonly [K in keyof RecordPatch]: RecordPatch[K] };

/** The field changes a chunk follows: those of the copied fields, with the values its document gets. */
function chunkFieldPatch(plan: UpdatePlan): MutablePatch {
  const patch: MutablePatch = {};
  for (const field of CHUNK_COPIED_FIELDS) {
    const value = plan.fields[field];
    if (value !== undefined) (patch as Record<string, unknown>)[field] = value;
  }
  return patch;
}

// A chunk's settings key is the engine's: metadata updates of its document never reach it there.
function chunkMetadataUpdates(plan: UpdatePlan): { readonly [key: string]: unknown } | undefined {
  if (plan.metadata === undefined || !(CHUNKING_METADATA_KEY in plan.metadata)) return plan.metadata;
  const rest = { ...plan.metadata };
  delete rest[CHUNKING_METADATA_KEY];
  return Object.keys(rest).length === 0 ? undefined : rest;
}

function draftFor(record: FrameRecord, chunks: readonly FrameRecord[], plan: UpdatePlan): Draft {
  const patch: MutablePatch = { ...plan.fields };
  const metadata = plan.metadata === undefined ? record.metadata : mergeMetadata(record.metadata, plan.metadata);
  if (plan.metadata !== undefined) patch.metadata = metadata;
  const content = plan.content === undefined ? record.content : plan.content(record);
  const changed = content !== record.content;
  if (changed) patch.content = content;
  const embed = plan.reembedAll || (changed && plan.regenerate);
  const base = { record, chunks, patch, chunkUpdates: [], texts: undefined, rechunk: undefined, clearVectors: false, reembedChunks: undefined };
  const found = chunkSettingsOf(chunks);
  if (found === undefined) return { ...base, texts: embed ? nonBlank([content]) : undefined, clearVectors: changed && !embed };
  if (changed) {
    const { size, overlap } = found.settings;
    const texts = chunkText(content, { chunkSize: size, chunkOverlap: overlap }).map((chunk) => chunk.text);
    return { ...base, texts: embed ? texts : undefined, rechunk: { settings: found.settings, texts }, clearVectors: !embed };
  }
  if (embed) {
    // Only regenerate_embeddings alone gets here (no other change): the chunks are embedded again as they are.
    const reembedChunks = chunks.filter((chunk) => chunk.content.trim() !== '');
    return { ...base, texts: reembedChunks.map((chunk) => chunk.content), reembedChunks };
  }
  // Content unchanged: the chunks stay and follow their document's field and metadata changes. Each chunk's own
  // metadata takes the same merge, so keys a chunk has of its own survive.
  const fieldPatch = chunkFieldPatch(plan);
  const chunkMetadata = chunkMetadataUpdates(plan);
  if (Object.keys(fieldPatch).length === 0 && chunkMetadata === undefined) return base;
  const chunkUpdates = chunks.map((chunk) => ({
    uuid: chunk.uuid,
    patch: chunkMetadata === undefined ? fieldPatch : { ...fieldPatch, metadata: mergeMetadata(chunk.metadata, chunkMetadata) },
  }));
  return { ...base, chunkUpdates };
}

function nonBlank(texts: readonly string[]): string[] {
  return texts.filter((text) => text.trim() !== '');
}

/** The document as it will be after its patch, as far as new chunks copy it. */
function patchedParent(record: FrameRecord, patch: RecordPatch): ChunkParent {
  return {
    uuid: record.uuid,
    metadata: patch.metadata ?? record.metadata,
    collection: patch.collection !== undefined ? patch.collection : record.collection,
    title: patch.title !== undefined ? patch.title : record.title,
    context: patch.context !== undefined ? patch.context : record.context,
    tags: patch.tags ?? record.tags,
    source_type: patch.source_type !== undefined ? patch.source_type : record.source_type,
    source_uri: patch.source_uri !== undefined ? patch.source_uri : record.source_uri,
  };
}

/** Turns a draft and its vectors (undefined: nothing was embedded) into the change to write. */
function finish(draft: Draft, vectors: readonly Float32Array[] | undefined): PlannedUpdate {
  const { record, chunks, rechunk, reembedChunks } = draft;
  let patch: RecordPatch = draft.patch;
  let chunkUpdates: readonly RecordUpdate[] = draft.chunkUpdates;
  let newChunks: NewRecord[] = [];
  let removedChunks: string[] = [];
  if (rechunk !== undefined) {
    // New content of a chunked document: new chunks cut with its settings; the old ones go.
    const parent = patchedParent(record, patch);
    newChunks = rechunk.texts.map((text, i) => chunkRecordOf(parent, rechunk.settings, text, i, vectors?.[i] ?? null));
    removedChunks = chunks.map((chunk) => chunk.uuid);
    // As in batch_add, a chunked document's vector is the mean of its chunks' vectors.
    patch = { ...patch, embedding: vectors !== undefined && vectors.length > 0 ? meanVector(vectors) : null };
  } else if (reembedChunks !== undefined) {
    const byChunk = new Map(reembedChunks.map((chunk, i) => [chunk.uuid, vectors?.[i]]));
    chunkUpdates = chunks.map((chunk) => ({ uuid: chunk.uuid, patch: { embedding: byChunk.get(chunk.uuid) ?? null } }));
    patch = { ...patch, embedding: vectors !== undefined && vectors.length > 0 ? meanVector(vectors) : null };
  } else if (vectors !== undefined) {
    patch = { ...patch, embedding: vectors[0] ?? null };
  } else if (draft.clearVectors) {
    patch = { ...patch, embedding: null };
  }
  const versions = new Map([[record.uuid, record.updated_at], ...chunks.map((chunk): [string, string] => [chunk.uuid, chunk.updated_at])]);
  const writesVectors =
    patch.embedding instanceof Float32Array ||
    newChunks.some((chunk) => chunk.embedding != null) ||
    chunkUpdates.some((update) => update.patch.embedding instanceof Float32Array);
  return { uuid: record.uuid, versions, patch, chunkUpdates, removedChunks, newChunks, reembedded: vectors !== undefined, writesVectors };
}

/**
 * Reads the records `ids` with their chunks and plans each one's change, embedding everything new in one
 * embedder call (a failure is pinned to its record by bisection). Runs outside any transaction. A record
 * that fails to embed, or vanished since it was selected, fails alone; its chunks are left as they are.
 */
export async function prepareUpdates(
  ids: readonly string[],
  plan: UpdatePlan,
  context: Pick<BatchContext, 'dataset' | 'embedder'>,
  signal: AbortSignal | undefined,
): Promise<PreparedUpdate[]> {
  const { dataset, embedder } = context;
  const read = await dataset.get(ids, { includeEmbedding: false, includeChunks: true });
  const wanted = new Set(ids);
  const records = new Map<string, FrameRecord>();
  const chunksOf = new Map<string, FrameRecord[]>();
  for (const record of read) {
    // A record listed by id comes first; what follows are chunks, grouped under their documents.
    if (wanted.has(record.uuid) && !records.has(record.uuid)) records.set(record.uuid, record);
    else if (record.parent_id !== null) {
      const siblings = chunksOf.get(record.parent_id);
      if (siblings === undefined) chunksOf.set(record.parent_id, [record]);
      else siblings.push(record);
    }
  }
  const drafts = ids.map((id) => {
    const record = records.get(id);
    return record === undefined ? undefined : draftFor(record, chunksOf.get(id) ?? [], plan);
  });
  const toEmbed = drafts.flatMap((draft, i) => (draft?.texts === undefined ? [] : [{ i, texts: draft.texts }]));
  if (toEmbed.some((entry) => entry.texts.length > 0)) checkEmbedderFits(dataset.embeddingInfo, embedder);
  const embedded = toEmbed.length === 0 ? [] : await embedGroups(embedder, toEmbed.map((entry) => entry.texts), signal);
  const vectors = new Map(toEmbed.map(({ i }, k) => [i, embedded[k]!]));
  return ids.map((id, i): PreparedUpdate => {
    const draft = drafts[i];
    if (draft === undefined) {
      const cause = new CoreError('TX_CONFLICT', `Record ${id} was deleted while the update was being prepared; call again to apply the update to the current records.`, {
        retryable: true,
      });
      return { ok: false, missing: true, cause };
    }
    const result = vectors.get(i);
    if (result !== undefined && !result.ok) return { ok: false, missing: false, cause: result.error };
    return { ok: true, value: finish(draft, result?.vectors) };
  });
}
