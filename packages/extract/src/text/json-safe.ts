// Metadata crosses thread boundaries and ends up in a JSON column, so every value in it must survive JSON.

const MAX_DEPTH = 32;

/**
 * A JSON-safe copy of `value`: Dates to ISO strings, bigints and non-finite numbers to strings, Maps to objects,
 * Sets to arrays, undefined/functions/symbols dropped, strings normalized (no control characters or lone
 * surrogates); anything nested deeper than 32 levels becomes null. Cycles (YAML aliases can make them) become null.
 */
export function jsonSafe(value: unknown): unknown {
  return convert(value, 0, new Set());
}

/** jsonSafe for a record: a plain object is returned; anything else gives null. */
export function jsonSafeRecord(value: unknown): Record<string, unknown> | null {
  const safe = jsonSafe(value);
  return safe !== null && typeof safe === 'object' && !Array.isArray(safe) ? (safe as Record<string, unknown>) : null;
}

function convert(value: unknown, depth: number, seen: Set<object>): unknown {
  switch (typeof value) {
    case 'string':
      return cleanString(value);
    case 'number':
      return Number.isFinite(value) ? value : String(value);
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH || seen.has(value)) return null;
  seen.add(value);
  try {
    if (Array.isArray(value) || value instanceof Set) {
      return [...value].map((item) => convert(item, depth + 1, seen) ?? null);
    }
    const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      const converted = convert(item, depth + 1, seen);
      // defineProperty, because assigning a "__proto__" key from a document would set the prototype instead.
      if (converted !== undefined) Object.defineProperty(out, cleanString(String(key)), { value: converted, enumerable: true, writable: true, configurable: true });
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters (to drop them) is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

function cleanString(value: string): string {
  return value
    .replace(CONTROL_CHARACTERS, '')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
