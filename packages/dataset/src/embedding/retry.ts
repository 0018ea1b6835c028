// How long to wait before retrying an HTTP request: exponential backoff with jitter, or the server's Retry-After.

/**
 * Parses a `Retry-After` header: delay-seconds (`"120"`) or an HTTP date. Returns milliseconds from `now`
 * (0 for a date in the past), or undefined when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP date names its month; without this, Date.parse would read "-5" as the year -5.
  const date = /[a-z]/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt + 1` (attempt counts from 0): `base × 2^attempt`, capped at `max`,
 * with "equal jitter" (a random point in the upper half), so clients that failed together spread out but
 * never retry at once.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
