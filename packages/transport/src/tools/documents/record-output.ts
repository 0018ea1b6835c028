// A stored record as tools return it: plain JSON, the vector only when asked for.
import type { FrameRecord, JsonObject } from '@contextframe/dataset';

/** A record in structuredContent. */
export interface RecordOutput {
  readonly uuid: string;
  readonly collection: string | null;
  readonly title: string | null;
  readonly content?: string;
  readonly context: string | null;
  readonly tags: readonly string[];
  readonly metadata: JsonObject;
  readonly record_type: string;
  readonly parent_id: string | null;
  readonly chunk_index: number | null;
  readonly source_type: string | null;
  readonly source_uri: string | null;
  readonly content_hash: string | null;
  readonly created_at: string;
  readonly updated_at: string;
  readonly embedding?: number[] | null;
}

/** Projects a record; `embedding` is included (as numbers) only with `withEmbedding`, `content` unless `withoutContent`. */
export function recordOutput(record: FrameRecord, options: { withEmbedding?: boolean; withoutContent?: boolean } = {}): RecordOutput {
  const { embedding, content, ...rest } = record;
  return {
    ...rest,
    ...(options.withoutContent ? {} : { content }),
    ...(options.withEmbedding ? { embedding: embedding === null ? null : Array.from(embedding) } : {}),
  };
}
