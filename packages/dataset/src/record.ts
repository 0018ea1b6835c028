// The document record: field names here are the public contract that filters, tools and files use.

/** Any JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A JSON object, as stored in `metadata`. */
export type JsonObject = { [key: string]: JsonValue };

/** `document` for logical documents, `chunk` for pieces of one; other kinds may follow. */
export type RecordType = 'document' | 'chunk' | (string & {});

/** A stored record, exactly as the store returns it. Timestamps are ISO 8601 strings in UTC. */
export interface FrameRecord {
  readonly uuid: string;
  readonly collection: string | null;
  readonly title: string | null;
  readonly content: string;
  readonly context: string | null;
  readonly tags: readonly string[];
  readonly metadata: JsonObject;
  readonly record_type: RecordType;
  readonly parent_id: string | null;
  readonly chunk_index: number | null;
  readonly source_type: string | null;
  readonly source_uri: string | null;
  readonly content_hash: string | null;
  readonly embedding: Float32Array | null;
  readonly created_at: string;
  readonly updated_at: string;
}

/**
 * A record to add. Only `content` is needed; `uuid` defaults to a random UUID, `content_hash` to the
 * SHA-256 of the content, timestamps to now (given ones are kept, so imports reproduce exports).
 */
export interface NewRecord {
  readonly uuid?: string;
  readonly collection?: string | null;
  readonly title?: string | null;
  readonly content?: string;
  readonly context?: string | null;
  readonly tags?: readonly string[];
  readonly metadata?: JsonObject;
  readonly record_type?: RecordType;
  readonly parent_id?: string | null;
  readonly chunk_index?: number | null;
  readonly source_type?: string | null;
  readonly source_uri?: string | null;
  readonly content_hash?: string | null;
  readonly embedding?: Float32Array | readonly number[] | null;
  readonly created_at?: string;
  readonly updated_at?: string;
}

/** A change to one record: every given field replaces the stored one; `updated_at` always moves. */
export type RecordPatch = Omit<NewRecord, 'uuid' | 'created_at' | 'updated_at'>;

/** The record fields, in storage order. */
export const RECORD_FIELDS = [
  'uuid',
  'collection',
  'title',
  'content',
  'context',
  'tags',
  'metadata',
  'record_type',
  'parent_id',
  'chunk_index',
  'source_type',
  'source_uri',
  'content_hash',
  'embedding',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof FrameRecord)[];

export type RecordField = (typeof RECORD_FIELDS)[number];
