// The text of a JSON value: one "key.path: value" line per non-empty string, in document order.

// Deep or long keys repeat in every line below them; capping them keeps output proportional to input.
const MAX_KEY_CHARS = 64;
const MAX_PATH_CHARS = 256;
const TITLE_KEYS = ['title', 'name', 'headline', 'subject'];

/** Lines of text found in one JSON value, and how many string fields gave them. */
export interface JsonText {
  readonly lines: string[];
  readonly fields: number;
  /** True when the character budget ran out before every string was taken. */
  readonly truncated: boolean;
}

/**
 * Collects the string values of `value` depth-first in key order, each as `path: value` (`a.b[0].c: text`; a bare
 * top-level string has no path). Numbers, booleans and nulls are not text and are left out. Stops once the lines
 * hold `maxChars` characters.
 */
export function jsonText(value: unknown, maxChars: number): JsonText {
  const lines: string[] = [];
  let fields = 0;
  let chars = 0;
  const stack: Array<{ readonly value: unknown; readonly path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: item, path } = stack.pop()!;
    if (typeof item === 'string') {
      if (item.trim() === '') continue;
      // Over budget, one more string is all it takes to know something was left out.
      if (chars >= maxChars) return { lines, fields, truncated: true };
      const line = path === '' ? item : `${path}: ${item}`;
      lines.push(line);
      fields++;
      chars += line.length + 1;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push({ value: item[i], path: joinPath(path, `[${i}]`) });
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const segment = key.length > MAX_KEY_CHARS ? `${key.slice(0, MAX_KEY_CHARS)}…` : key;
        stack.push({ value: child, path: joinPath(path, path === '' ? segment : `.${segment}`) });
      }
    }
  }
  return { lines, fields, truncated: false };
}

/** The title of a JSON document: its top-level `title`, `name`, `headline` or `subject` string, in that order. */
export function jsonTitle(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const byKey = new Map(Object.entries(value).map(([key, item]) => [key.toLowerCase(), item] as const));
  for (const key of TITLE_KEYS) {
    const item = byKey.get(key);
    if (typeof item === 'string' && item.trim() !== '') return item;
  }
  return null;
}

function joinPath(path: string, segment: string): string {
  const joined = path + segment;
  return joined.length > MAX_PATH_CHARS ? `…${joined.slice(joined.length - MAX_PATH_CHARS)}` : joined;
}
