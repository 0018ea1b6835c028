// Deep-merges metadata updates into stored metadata: objects merge key by key, null removes a key.
import type { JsonObject, JsonValue } from '@contextframe/dataset';

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns `current` with `updates` merged in, leaving both unchanged: an object value merges into an object
 * value recursively, `null` removes the key, anything else (arrays included) replaces the value.
 */
export function mergeMetadata(current: JsonObject, updates: { readonly [key: string]: unknown }): JsonObject {
  const merged: JsonObject = { ...current };
  for (const [key, value] of Object.entries(updates)) {
    if (value === null) {
      delete merged[key];
      continue;
    }
    const existing = merged[key];
    if (isPlainObject(value) && isPlainObject(existing)) {
      merged[key] = mergeMetadata(existing as JsonObject, value);
    } else {
      merged[key] = stripNulls(value) as JsonValue;
    }
  }
  return merged;
}

// A new object value is stored without its null keys, as merging it into an empty object would.
function stripNulls(value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const result: { [key: string]: unknown } = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) result[key] = stripNulls(item);
  return result;
}
