// Turns a source value into a record field's value: the coercions every format shares, so a CSV cell, a
// JSON value and a Parquet column give the same record.
import type { JsonObject, RecordField } from '@contextframe/dataset';
import { isJsonObject } from '../text/json-value.js';

/** Thrown by a coercion; the mapper turns it into a row error for `field`. */
export class CoercionError extends Error {
  override readonly name = 'CoercionError';
}

// Already canonical (what toISOString gives) with a day that exists in every month: no need to reparse.
const CANONICAL_TIMESTAMP = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;
const DATE_PART = /^(\d{4})-(\d{2})-(\d{2})/;
const NAIVE_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (ArrayBuffer.isView(value)) return 'a list of numbers';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  return `a ${typeof value}`;
}

/** A text field: strings as they are; numbers and booleans as their text. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new CoercionError(`must be text, got ${describe(value)}`);
}

function nullableText(value: unknown): string | null {
  return value === null ? null : text(value);
}

/** Tags: a list of strings, JSON array text, or comma-separated text ("a, b" → ["a", "b"]). */
export function coerceTags(value: unknown): string[] {
  if (value === null || value === '') return [];
  let list: unknown = value;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('[')) {
      try {
        list = JSON.parse(trimmed) as unknown;
      } catch {
        throw new CoercionError(`must be a JSON array of strings or comma-separated text, got ${describe(value)}`);
      }
    } else {
      return trimmed === '' ? [] : trimmed.split(',').map((tag) => tag.trim()).filter((tag) => tag !== '');
    }
  }
  if (!Array.isArray(list)) throw new CoercionError(`must be a list of strings, got ${describe(value)}`);
  for (const tag of list) {
    if (typeof tag !== 'string') throw new CoercionError(`must hold only strings, got ${describe(tag)}`);
  }
  return list as string[];
}

/** Metadata: an object, or JSON text of one (CSV). Null and empty text are no metadata. */
export function coerceMetadata(value: unknown): JsonObject {
  if (value === null || value === '') return {};
  let object: unknown = value;
  if (typeof value === 'string') {
    try {
      object = JSON.parse(value) as unknown;
    } catch {
      throw new CoercionError(`must be a JSON object, got text that is not JSON: ${describe(value)}`);
    }
  }
  if (!isJsonObject(object)) throw new CoercionError(`must be an object, got ${describe(object)}`);
  return object as JsonObject;
}

/** An embedding: a Float32Array, a list of numbers, or JSON array text; each number rounded to float32. */
export function coerceEmbedding(value: unknown): Float32Array | null {
  if (value === null || value === '') return null;
  if (value instanceof Float32Array) return value;
  let list: unknown = value;
  if (typeof value === 'string') {
    try {
      list = JSON.parse(value) as unknown;
    } catch {
      throw new CoercionError(`must be a JSON array of numbers, got ${describe(value)}`);
    }
  }
  if (!Array.isArray(list) && !ArrayBuffer.isView(list)) throw new CoercionError(`must be a list of numbers, got ${describe(list)}`);
  const numbers = list as ArrayLike<unknown>;
  const vector = new Float32Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    const n = numbers[i];
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new CoercionError(`must hold only finite numbers; item ${i} is ${describe(n)}`);
    vector[i] = n;
    if (!Number.isFinite(vector[i]!)) throw new CoercionError(`item ${i} (${n}) is outside the float32 range`);
  }
  return vector;
}

/**
 * A timestamp as ISO 8601 UTC with milliseconds. Text without a UTC offset ("2024-05-01 10:00") is taken as
 * UTC, never as the server's local time; a date alone is midnight UTC.
 */
export function coerceTimestamp(value: unknown): string {
  let input: string | Date;
  if (value instanceof Date) input = value;
  else if (typeof value === 'string') {
    if (value.length === 24 && CANONICAL_TIMESTAMP.test(value)) return value;
    input = NAIVE_TIMESTAMP.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  } else throw new CoercionError(`must be an ISO 8601 timestamp like 2024-05-01T10:00:00Z, got ${describe(value)}`);
  const date = new Date(input);
  // V8 rolls 2023-02-30 over to March 2nd; a day the month does not have is an error here.
  const ymd = typeof input === 'string' ? DATE_PART.exec(input) : null;
  if (ymd !== null && Number(ymd[3]) > new Date(Date.UTC(Number(ymd[1]), Number(ymd[2]), 0)).getUTCDate()) {
    throw new CoercionError(`is not a real date: ${describe(value)}`);
  }
  if (Number.isNaN(date.getTime())) throw new CoercionError(`must be an ISO 8601 timestamp like 2024-05-01T10:00:00Z, got ${describe(value)}`);
  return date.toISOString();
}

/** A chunk index: an integer, or integer text (CSV); null and empty text are null. */
export function coerceChunkIndex(value: unknown): number | null {
  if (value === null || value === '') return null;
  const n = typeof value === 'string' ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new CoercionError(`must be a whole number, got ${describe(value)}`);
  return n;
}

/**
 * Sets `field` of `record` from `value`. Null clears a nullable field; for a field that cannot be null it
 * leaves the store's default (a new uuid, "document", now) or, for content, is an error.
 */
export function assignField(record: Record<string, unknown>, field: RecordField, value: unknown): void {
  switch (field) {
    case 'uuid':
    case 'record_type':
      if (value !== null && value !== '') record[field] = text(value);
      return;
    case 'content':
      if (value === null) throw new CoercionError('is required and must be text, got null');
      record[field] = text(value);
      return;
    case 'collection':
    case 'title':
    case 'context':
    case 'parent_id':
    case 'source_type':
    case 'source_uri':
    case 'content_hash':
      record[field] = nullableText(value);
      return;
    case 'tags':
      record[field] = coerceTags(value);
      return;
    case 'metadata':
      record[field] = coerceMetadata(value);
      return;
    case 'chunk_index':
      record[field] = coerceChunkIndex(value);
      return;
    case 'embedding':
      record[field] = coerceEmbedding(value);
      return;
    case 'created_at':
    case 'updated_at':
      if (value !== null && value !== '') record[field] = coerceTimestamp(value);
      return;
  }
}

/** A source value as it is kept in metadata: JSON as it is, lists of floats as arrays of numbers. */
export function metadataValue(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as Float32Array);
  return value;
}
