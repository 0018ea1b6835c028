// Agents send one `metadata` object; keys that name record fields (title, tags, ...) fill those fields instead.
import type { JsonObject, JsonValue } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';
import { isUuid } from './uuid.js';

/**
 * Metadata keys that set record fields rather than metadata. Other record fields (content, embedding,
 * parent_id, chunk_index, content_hash, timestamps) are managed by the engine, so keys with those names stay
 * ordinary metadata.
 */
export const METADATA_FIELD_KEYS = ['uuid', 'collection', 'title', 'context', 'tags', 'record_type', 'source_type', 'source_uri'] as const;
export type MetadataFieldKey = (typeof METADATA_FIELD_KEYS)[number];

/** Record fields taken from metadata, validated. */
export interface MetadataFields {
  uuid?: string;
  collection?: string | null;
  title?: string | null;
  context?: string | null;
  tags?: string[];
  record_type?: string;
  source_type?: string | null;
  source_uri?: string | null;
}

/** A metadata object split into record fields and what stays metadata. */
export interface SplitMetadata {
  readonly fields: MetadataFields;
  readonly metadata: { [key: string]: unknown };
}

const FIELD_KEYS: ReadonlySet<string> = new Set(METADATA_FIELD_KEYS);

/** True when a metadata key names a record field. */
export function isMetadataFieldKey(key: string): key is MetadataFieldKey {
  return FIELD_KEYS.has(key);
}

function invalidField(field: string, message: string): CoreError {
  return new CoreError('INVALID_INPUT', `metadata.${field} ${message}`, { data: { field } });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value) : typeof value;
}

/** Validates one field value taken from metadata; `null` clears nullable fields and empties tags. */
function fieldValue(key: MetadataFieldKey, value: unknown): MetadataFields[MetadataFieldKey] {
  switch (key) {
    case 'uuid':
      if (!isUuid(value)) throw invalidField(key, `must be a UUID like 0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d, got ${describe(value)}`);
      return value.toLowerCase();
    case 'tags':
      if (value === null) return [];
      if (!Array.isArray(value) || !value.every((tag) => typeof tag === 'string')) {
        throw invalidField(key, `must be a list of strings, got ${describe(value)}`);
      }
      return [...value];
    case 'record_type':
      if (typeof value !== 'string' || value === '') {
        throw invalidField(key, `must be a non-empty string such as 'document', got ${describe(value)}`);
      }
      return value;
    default:
      if (value !== null && typeof value !== 'string') throw invalidField(key, `must be a string or null, got ${describe(value)}`);
      return value;
  }
}

/**
 * Splits `metadata` into record fields (validated) and the rest. Throws CoreError INVALID_INPUT, with
 * `data.field`, for a field value of the wrong type.
 */
export function splitMetadata(metadata: { readonly [key: string]: unknown } | undefined): SplitMetadata {
  const fields: MetadataFields = {};
  const rest: { [key: string]: unknown } = {};
  for (const [key, value] of Object.entries(metadata ?? {})) {
    if (isMetadataFieldKey(key)) (fields as Record<string, unknown>)[key] = fieldValue(key, value);
    else rest[key] = value;
  }
  return { fields, metadata: rest };
}

/** Casts checked metadata to the store's JSON type; the store validates JSON values itself on write. */
export function asJsonObject(value: { readonly [key: string]: unknown }): JsonObject {
  return value as { [key: string]: JsonValue };
}
