// Validates records on their way in and turns rows into FrameRecords on their way out.
import { randomUUID } from 'node:crypto';
import { contentHash } from '../embedding/content-hash.js';
import { DatasetError } from '../errors.js';
import type { FrameRecord, JsonObject, NewRecord, RecordPatch } from '../record.js';

/** A validated record with every default filled in, ready to be written. */
export interface StoredRow {
  uuid: string;
  collection: string | null;
  title: string | null;
  content: string;
  context: string | null;
  tags: string[];
  metadata: JsonObject;
  record_type: string;
  parent_id: string | null;
  chunk_index: number | null;
  source_type: string | null;
  source_uri: string | null;
  content_hash: string | null;
  embedding: Float32Array | null;
  created_ms: number;
  updated_ms: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NULLABLE_STRINGS = ['collection', 'title', 'context', 'parent_id', 'source_type', 'source_uri', 'content_hash'] as const;
const MAX_JSON_DEPTH = 64;

/** How an INVALID_RECORD message names its record; checkNewRecord takes it off again. */
function recordLabel(index: number): string {
  return `Record ${index}: `;
}

function invalid(index: number, field: string, message: string): DatasetError {
  return new DatasetError('INVALID_RECORD', `${recordLabel(index)}${field} ${message}`, { data: { index, field } });
}

/** Checks a uuid string and returns it lower-cased. */
export function normalizeUuid(value: unknown, index: number, field = 'uuid'): string {
  if (typeof value !== 'string' || !UUID.test(value)) {
    throw invalid(index, field, `must be a UUID string like 0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d, got ${describe(value)}`);
  }
  return value.toLowerCase();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

function checkJson(value: unknown, index: number, path: string, depth: number): void {
  if (depth > MAX_JSON_DEPTH) throw invalid(index, path, `nests deeper than ${MAX_JSON_DEPTH} levels`);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalid(index, path, 'must be a finite number (JSON has no NaN or Infinity)');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => { checkJson(item, index, `${path}[${i}]`, depth + 1); });
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, index, `${path}.${key}`, depth + 1);
    return;
  }
  throw invalid(index, path, `must be a JSON value, got ${typeof value}`);
}

function checkMetadata(value: unknown, index: number): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(index, 'metadata', `must be a JSON object, got ${describe(value)}`);
  }
  checkJson(value, index, 'metadata', 0);
  return value as JsonObject;
}

function checkTags(value: unknown, index: number): string[] {
  if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) {
    throw invalid(index, 'tags', `must be a list of strings, got ${describe(value)}`);
  }
  return [...value];
}

function checkEmbedding(value: unknown, index: number): Float32Array | null {
  if (value === null) return null;
  const vector = value instanceof Float32Array ? value : Array.isArray(value) ? Float32Array.from(value as number[]) : null;
  if (vector === null || vector.length === 0) {
    throw invalid(index, 'embedding', `must be a non-empty list of numbers or null, got ${describe(value)}`);
  }
  for (let i = 0; i < vector.length; i++) {
    if (!Number.isFinite(vector[i])) throw invalid(index, 'embedding', `has a non-finite value at position ${i}`);
  }
  return vector;
}

function checkTimestamp(value: unknown, index: number, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid(index, field, `must be an ISO 8601 timestamp, got ${describe(value)}`);
  return ms;
}

function checkNullableString(value: unknown, index: number, field: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw invalid(index, field, `must be a string or null, got ${describe(value)}`);
}

function checkChunkIndex(value: unknown, index: number): number | null {
  if (value === null) return null;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 2_147_483_647) return value;
  throw invalid(index, 'chunk_index', `must be a non-negative integer or null, got ${describe(value)}`);
}

/** Applies the fields present in `patch` onto `row`, validating each. */
function applyFields(row: StoredRow, patch: RecordPatch, index: number): void {
  for (const field of NULLABLE_STRINGS) {
    if (patch[field] !== undefined) row[field] = checkNullableString(patch[field], index, field);
  }
  if (patch.parent_id != null) row.parent_id = normalizeUuid(patch.parent_id, index, 'parent_id');
  if (patch.content !== undefined) {
    if (typeof patch.content !== 'string') throw invalid(index, 'content', `must be a string, got ${describe(patch.content)}`);
    row.content = patch.content;
  }
  if (patch.tags !== undefined) row.tags = checkTags(patch.tags, index);
  if (patch.metadata !== undefined) row.metadata = checkMetadata(patch.metadata, index);
  if (patch.record_type !== undefined) {
    if (typeof patch.record_type !== 'string' || patch.record_type === '') {
      throw invalid(index, 'record_type', `must be a non-empty string such as 'document' or 'chunk', got ${describe(patch.record_type)}`);
    }
    row.record_type = patch.record_type;
  }
  if (patch.chunk_index !== undefined) row.chunk_index = checkChunkIndex(patch.chunk_index, index);
  if (patch.embedding !== undefined) row.embedding = checkEmbedding(patch.embedding, index);
}

/** Validates a new record and fills in its defaults. `now` is the write's timestamp in ms. */
export function toStoredRow(input: NewRecord, index: number, now: number): StoredRow {
  const row = checkedRow(input, index, now);
  if (input.content_hash === undefined) row.content_hash = contentHash(row.content);
  return row;
}

/** Why add or upsert would refuse a record: the field at fault (e.g. `parent_id`, `metadata.score`) and what is wrong. */
export interface RecordProblem {
  readonly field: string;
  /** The field and its problem, e.g. `chunk_index must be a non-negative integer or null, got a number`. */
  readonly message: string;
}

/**
 * Checks a new record exactly as add and upsert do, without writing it: undefined when they would accept it,
 * else the first problem they would fail with (INVALID_RECORD). Cheap enough to run on every row of an
 * import: no query, and the content is not hashed. A uuid that exists already is not checked here.
 */
export function checkNewRecord(record: NewRecord): RecordProblem | undefined {
  try {
    checkedRow(record, 0, Date.now());
    return undefined;
  } catch (error) {
    if (!(error instanceof DatasetError) || error.code !== 'INVALID_RECORD') throw error;
    return { field: (error.data as { field: string }).field, message: error.message.slice(recordLabel(0).length) };
  }
}

/** toStoredRow without the content hash. */
function checkedRow(input: NewRecord, index: number, now: number): StoredRow {
  if (input === null || typeof input !== 'object') throw invalid(index, 'record', `must be an object, got ${describe(input)}`);
  const row: StoredRow = {
    uuid: input.uuid === undefined ? randomUUID() : normalizeUuid(input.uuid, index),
    collection: null,
    title: null,
    content: '',
    context: null,
    tags: [],
    metadata: {},
    record_type: 'document',
    parent_id: null,
    chunk_index: null,
    source_type: null,
    source_uri: null,
    content_hash: null,
    embedding: null,
    created_ms: input.created_at === undefined ? now : checkTimestamp(input.created_at, index, 'created_at'),
    updated_ms: now,
  };
  applyFields(row, input, index);
  row.updated_ms = input.updated_at === undefined ? Math.max(now, row.created_ms) : checkTimestamp(input.updated_at, index, 'updated_at');
  return row;
}

/**
 * Applies a patch to a stored row. A content change without a new `content_hash` recomputes it, and
 * `updated_at` always moves forward, even within the same millisecond.
 */
export function patchStoredRow(current: StoredRow, patch: RecordPatch, index: number, now: number): StoredRow {
  if (patch === null || typeof patch !== 'object') throw invalid(index, 'patch', `must be an object, got ${describe(patch)}`);
  const row: StoredRow = { ...current };
  applyFields(row, patch, index);
  if (patch.content !== undefined && patch.content_hash === undefined) row.content_hash = contentHash(row.content);
  row.updated_ms = Math.max(now, current.updated_ms + 1);
  return row;
}

/** The public view of a stored row. */
export function toFrameRecord(row: StoredRow): FrameRecord {
  return {
    uuid: row.uuid,
    collection: row.collection,
    title: row.title,
    content: row.content,
    context: row.context,
    tags: row.tags,
    metadata: row.metadata,
    record_type: row.record_type,
    parent_id: row.parent_id,
    chunk_index: row.chunk_index,
    source_type: row.source_type,
    source_uri: row.source_uri,
    content_hash: row.content_hash,
    embedding: row.embedding,
    created_at: new Date(row.created_ms).toISOString(),
    updated_at: new Date(row.updated_ms).toISOString(),
  };
}
