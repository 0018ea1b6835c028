// How a chunked document was cut, kept on its chunk records so a later content change cuts the new text the same way.
import type { FrameRecord, JsonObject, NewRecord } from '@contextframe/dataset';

/**
 * The metadata key of chunk records that holds their document's chunking settings, `{ size, overlap }`.
 * Chunks, not documents, carry it: a document's metadata stays exactly what its writer gave (exports and
 * get_document show no engine keys there), while chunks are engine-made copies anyway. It is an ordinary
 * metadata key, so filters can use it (`metadata._chunking.size = 500`) and exports carry it to imports.
 */
export const CHUNKING_METADATA_KEY = '_chunking';

/** A chunked document's settings: chunks of at most `size` characters, `overlap` repeated between neighbours. */
export interface ChunkSettings {
  readonly size: number;
  readonly overlap: number;
}

/** Where a document's chunk settings came from: written on its chunks, or inferred for chunks written without them. */
export interface FoundChunkSettings {
  readonly settings: ChunkSettings;
  readonly recorded: boolean;
}

/** The record fields a chunk copies from its document when made, and follows when the document changes. */
export const CHUNK_COPIED_FIELDS = ['collection', 'title', 'context', 'tags', 'source_type', 'source_uri'] as const;

/** What a chunk is made from: its document's uuid and the fields it copies. */
export type ChunkParent = Pick<FrameRecord, 'uuid' | 'metadata' | (typeof CHUNK_COPIED_FIELDS)[number]>;

/** `metadata` with the chunking settings recorded under CHUNKING_METADATA_KEY (replacing any value there). */
export function withChunkSettings(metadata: JsonObject, settings: ChunkSettings): JsonObject {
  return { ...metadata, [CHUNKING_METADATA_KEY]: { size: settings.size, overlap: settings.overlap } };
}

/** One chunk record of `parent`: its fields and metadata, the settings recorded, `text` as content. */
export function chunkRecordOf(parent: ChunkParent, settings: ChunkSettings, text: string, chunkIndex: number, embedding: Float32Array | null): NewRecord {
  return {
    collection: parent.collection,
    title: parent.title,
    content: text,
    context: parent.context,
    tags: parent.tags,
    metadata: withChunkSettings(parent.metadata, settings),
    record_type: 'chunk',
    parent_id: parent.uuid,
    chunk_index: chunkIndex,
    source_type: parent.source_type,
    source_uri: parent.source_uri,
    embedding,
  };
}

function recordedSettings(metadata: JsonObject): ChunkSettings | undefined {
  const value = metadata[CHUNKING_METADATA_KEY];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { size, overlap } = value;
  if (!Number.isSafeInteger(size) || (size as number) < 1) return undefined;
  if (!Number.isSafeInteger(overlap) || (overlap as number) < 0 || (overlap as number) >= (size as number)) return undefined;
  return { size: size as number, overlap: overlap as number };
}

/**
 * The settings a document's chunks were made with: those recorded on its first chunk that has valid ones.
 * Chunks written before settings were recorded (or by hand) get inferred ones: the longest chunk's length in
 * code points as size, overlap 0; cutting again with them keeps every chunk within the size the old ones had.
 * Undefined for a document without chunks.
 */
export function chunkSettingsOf(chunks: readonly Pick<FrameRecord, 'content' | 'metadata' | 'chunk_index'>[]): FoundChunkSettings | undefined {
  if (chunks.length === 0) return undefined;
  const ordered = [...chunks].sort((a, b) => (a.chunk_index ?? 0) - (b.chunk_index ?? 0));
  for (const chunk of ordered) {
    const settings = recordedSettings(chunk.metadata);
    if (settings !== undefined) return { settings, recorded: true };
  }
  const longest = ordered.reduce((most, chunk) => Math.max(most, codePoints(chunk.content)), 1);
  return { settings: { size: longest, overlap: 0 }, recorded: false };
}

// chunkText measures sizes in code points, so a surrogate pair counts once here too.
function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}
