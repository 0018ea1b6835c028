// The Extractor interface: bytes in, one document's text out. Implementations differ only in where the work runs.
import type { ExtractFormat } from './extract-format.js';

/** One source to extract: its bytes plus the hints that help choose the format. */
export interface ExtractInput {
  readonly bytes: Uint8Array;
  /** File name or URL path; its extension is a hint that content sniffing may overrule. */
  readonly name?: string;
  /** Media type, e.g. from an HTTP response; parameters such as `; charset=` are ignored. */
  readonly contentType?: string;
  /** An explicit format: it wins over sniffing and hints. */
  readonly format?: ExtractFormat;
}

/** The text of one document. `metadata` is JSON-safe. */
export interface Extraction {
  readonly format: ExtractFormat;
  readonly title: string | null;
  readonly content: string;
  /** Front matter, PDF/DOCX document properties, counts, and `truncated: true` when content was cut. */
  readonly metadata: Record<string, unknown>;
}

/** Per-call options. */
export interface ExtractCallOptions {
  readonly signal?: AbortSignal;
}

/** Turns document bytes into text. `close` releases whatever the extractor holds (threads, for the pool). */
export interface Extractor {
  extract(input: ExtractInput, options?: ExtractCallOptions): Promise<Extraction>;
  close?(): Promise<void>;
}
