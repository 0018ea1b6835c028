// Telling a JSON object of fields from the other JSON values a file may hold.

/** True for a plain JSON object (not an array, not null, not a typed array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}
