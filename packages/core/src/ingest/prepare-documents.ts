// The slow half of adding documents: chunking and embedding, done before any write transaction opens.
import { chunkText, type Embedder, type NewRecord } from '@contextframe/dataset';
import { toItemError } from '../errors/item-error.js';
import { embedGroups } from '../embedding/embed-groups.js';
import { meanVector } from '../embedding/mean-vector.js';
import type { ItemOutcome } from '../engine/item-outcome.js';
import { chunkRecordOf, type ChunkSettings } from './chunk-settings.js';
import type { DocumentDraft } from './document-draft.js';
import type { IngestSettings } from './document-input.js';

/** A document's records, ready to write: the document first, then its chunks in order. */
export interface PreparedDocument {
  readonly draft: DocumentDraft;
  readonly records: NewRecord[];
}

/**
 * The texts embedded for a document: its chunks when chunking, else its content. Blank content has no
 * text (and so no vector): embedding services reject empty input.
 */
function textsOf(draft: DocumentDraft, settings: IngestSettings): string[] {
  if (settings.chunkSize !== undefined) {
    return chunkText(draft.content, { chunkSize: settings.chunkSize, chunkOverlap: settings.chunkOverlap ?? 0 }).map((chunk) => chunk.text);
  }
  return draft.content.trim() === '' ? [] : [draft.content];
}

function documentRecord(draft: DocumentDraft, embedding: Float32Array | null): NewRecord {
  return {
    uuid: draft.uuid,
    collection: draft.collection,
    title: draft.title,
    content: draft.content,
    context: draft.context,
    tags: draft.tags,
    metadata: draft.metadata,
    record_type: draft.record_type,
    source_type: draft.source_type,
    source_uri: draft.source_uri,
    embedding,
  };
}

/** Builds a document's records from its texts and their vectors (null without embeddings). */
function recordsOf(draft: DocumentDraft, settings: IngestSettings, texts: readonly string[], vectors: readonly Float32Array[] | null): NewRecord[] {
  const vectorAt = (i: number): Float32Array | null => vectors?.[i] ?? null;
  if (settings.chunkSize === undefined) return [documentRecord(draft, vectorAt(0))];
  // A chunked document's own vector is the mean of its chunks' vectors: no second embedding of the full text.
  const ownVector = vectors !== null && vectors.length > 0 ? meanVector(vectors) : null;
  // Each chunk records the settings, so batch_update can cut changed content the same way.
  const chunking: ChunkSettings = { size: settings.chunkSize, overlap: settings.chunkOverlap ?? 0 };
  return [documentRecord(draft, ownVector), ...texts.map((text, i) => chunkRecordOf(draft, chunking, text, i, vectorAt(i)))];
}

/**
 * Chunks and embeds a run of drafts with one embedder call (per-document failures are found by bisection,
 * see embedGroups). Returns one outcome per draft; cancellation rejects with CoreError CANCELLED.
 */
export async function prepareDocuments(
  drafts: readonly DocumentDraft[],
  settings: IngestSettings,
  embedder: Embedder,
  signal: AbortSignal | undefined,
): Promise<ItemOutcome<PreparedDocument>[]> {
  const texts = drafts.map((draft) => textsOf(draft, settings));
  if (!settings.generateEmbeddings) {
    return drafts.map((draft, i) => ({ ok: true, value: { draft, records: recordsOf(draft, settings, texts[i]!, null) } }));
  }
  const embedded = await embedGroups(embedder, texts, signal);
  return drafts.map((draft, i) => {
    const result = embedded[i]!;
    if (!result.ok) return { ok: false, error: toItemError(draft.index, result.error) };
    return { ok: true, value: { draft, records: recordsOf(draft, settings, texts[i]!, result.vectors) } };
  });
}
