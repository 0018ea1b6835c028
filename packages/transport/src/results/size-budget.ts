// Responses have a size budget: lists are cut (rank by rank, fairly across lists) and the cut is always declared.

/** What a trimmed result says about itself. */
export interface TruncationMarks {
  /** True when something was left out to fit the response budget. */
  readonly truncated?: boolean;
  /** How many entries of each trimmed list were left out, by field name. */
  readonly omitted?: { readonly [field: string]: number };
}

/** Bytes of `value` as JSON text (UTF-8). */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

/**
 * How many leading items of each list fit in `budget` bytes next to `baseBytes`, taking items rank by rank
 * (every list's first item before any list's second), so no list starves the others. Each list stays a
 * prefix: once an item does not fit, that list takes no more.
 */
export function fitPrefixes(baseBytes: number, itemBytes: readonly (readonly number[])[], budget: number): number[] {
  const kept = itemBytes.map(() => 0);
  const closed = itemBytes.map((items) => items.length === 0);
  let used = baseBytes;
  for (let rank = 0; closed.some((done) => !done); rank++) {
    itemBytes.forEach((items, list) => {
      if (closed[list]) return;
      const size = items[rank]!;
      if (used + size > budget) {
        closed[list] = true;
        return;
      }
      used += size;
      kept[list] = rank + 1;
      if (rank + 1 >= items.length) closed[list] = true;
    });
  }
  return kept;
}

// An item costs its JSON plus the comma before it.
const itemSizes = (items: readonly unknown[]): number[] => items.map((item) => jsonBytes(item) + 1);

// Room for the marks a trimmed result gains (`"truncated":true,"omitted":{...}` with large counts).
const MARKS_BYTES = 64;

/**
 * Fits `result` in `budget` bytes by cutting the tails of its top-level list fields `keys`. Untouched when it
 * fits; otherwise the lists are cut and the result gains `truncated: true` and `omitted` counts per list.
 */
export function fitLists<T extends object>(result: T, keys: readonly (keyof T & string)[], budget: number): T & TruncationMarks {
  if (jsonBytes(result) <= budget) return result;
  const lists = keys.map((key) => (Array.isArray(result[key]) ? (result[key] as unknown[]) : []));
  const skeleton = { ...result, ...Object.fromEntries(keys.map((key) => [key, []])) };
  const base = jsonBytes(skeleton) + MARKS_BYTES + keys.reduce((sum, key) => sum + key.length + 16, 0);
  const kept = fitPrefixes(base, lists.map(itemSizes), budget);
  const omitted: Record<string, number> = {};
  const trimmed = { ...result } as Record<string, unknown>;
  keys.forEach((key, i) => {
    const list = lists[i]!;
    if (kept[i]! < list.length) {
      trimmed[key] = list.slice(0, kept[i]);
      omitted[key] = list.length - kept[i]!;
    }
  });
  return { ...(trimmed as T), truncated: true, omitted };
}

/**
 * Fits a list of search results (each with a `results` list of hits) in `budget` bytes next to `baseBytes`:
 * every query keeps its best hits first. A query that lost hits gets `truncated: true`, `omitted` and a
 * `count` of the hits kept. Returns whether anything was cut.
 */
export function fitNestedHits<Q extends { readonly results: readonly unknown[]; readonly count: number }>(
  queries: readonly Q[],
  baseBytes: number,
  budget: number,
): { queries: (Q & { truncated?: boolean; omitted?: number })[]; truncated: boolean } {
  const marks = queries.length * 40;
  const skeletons = queries.reduce((sum, query) => sum + jsonBytes({ ...query, results: [] }) + 1, 0);
  const kept = fitPrefixes(baseBytes + marks + skeletons, queries.map((query) => itemSizes(query.results)), budget);
  let truncated = false;
  const fitted = queries.map((query, i) => {
    if (kept[i]! >= query.results.length) return query;
    truncated = true;
    return { ...query, results: query.results.slice(0, kept[i]), count: kept[i]!, truncated: true, omitted: query.results.length - kept[i]! };
  });
  return { queries: fitted, truncated };
}

/**
 * Cuts the end of a long text so that a result holding it shrinks by about `excessBytes`; the cut text says
 * how much was left out.
 */
export function cutText(text: string, excessBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  const keep = Math.max(0, bytes.length - excessBytes - 64);
  // Decoding a prefix may split a character; the replacement char it yields is dropped.
  const head = bytes.subarray(0, keep).toString('utf8').replace(/\uFFFD$/, '');
  return `${head}... [${bytes.length - keep} bytes cut to fit the response budget]`;
}

/**
 * Fits a result whose `list` entries carry long `text` fields (batch_extract's content): first every text is
 * cut to an equal share of the budget, each cut entry marked `${text}_truncated: true`; then, if still too
 * big, the list's tail goes as in fitLists. Untouched when it fits.
 */
export function fitListTexts<T extends object>(result: T, list: keyof T & string, text: string, budget: number): T & TruncationMarks {
  if (jsonBytes(result) <= budget) return result;
  const entries = (Array.isArray(result[list]) ? result[list] : []) as Record<string, unknown>[];
  const long = entries.filter((entry) => typeof entry[text] === 'string');
  if (long.length === 0) return fitLists(result, [list], budget);
  const skeleton = { ...result, [list]: entries.map((entry) => (typeof entry[text] === 'string' ? { ...entry, [text]: '', [`${text}_truncated`]: true } : entry)) };
  const share = Math.max(0, Math.floor((budget - jsonBytes(skeleton) - MARKS_BYTES) / long.length));
  const cut = entries.map((entry) => {
    const value = entry[text];
    if (typeof value !== 'string') return entry;
    const bytes = jsonBytes(value);
    if (bytes <= share) return entry;
    // Escapes make JSON longer than the text, so the cut is proportional, then fitLists catches any excess.
    const keep = Math.max(0, Math.floor((value.length * Math.max(0, share - 2)) / bytes));
    return { ...entry, [text]: value.slice(0, keep), [`${text}_truncated`]: true };
  });
  const trimmed = fitLists({ ...result, [list]: cut } as T, [list], budget);
  return { ...trimmed, truncated: true };
}
