// The ceilings batch_extract's sources run under by default: bytes per source, files per directory, and the
// depth, time and redirects one source may take.

/** Default limits for reading files and fetching URLs; every one can be lowered or raised per call. */
export const DEFAULT_SOURCE_LIMITS = Object.freeze({
  /** Largest file or response body, in bytes (decompressed for responses): 20 MiB. */
  maxBytes: 20 * 1024 * 1024,
  /** Most files one directory source expands to; more fail with TOO_MANY_FILES rather than being cut off. */
  maxFiles: 1_000,
  /** Deepest file below a directory source (its own files are at depth 1); deeper fails with TOO_DEEP. */
  maxDepth: 20,
  /** Whole URL exchange (every DNS lookup, redirect hop and the body), in ms. */
  timeoutMs: 15_000,
  /** Redirects one URL may follow. */
  maxRedirects: 5,
});

/** Bytes as a person reads them, for messages: `20 MiB`, `512 KiB`, `100 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
