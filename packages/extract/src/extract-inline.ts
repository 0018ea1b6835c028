// Extraction on the calling thread: format detection, the format's extractor, then one normalization and the limits.
import { checkInlineOptions, checkInput } from './check-input.js';
import { detectFormat } from './detect-format.js';
import { ExtractError, abortedError, describeSource, isExtractError, tooLargeError } from './extract-error.js';
import type { ExtractFormat } from './extract-format.js';
import type { ExtractInput, Extraction } from './extractor.js';
import type { FormatExtractor, RawExtraction } from './formats/format-extractor.js';
import { jsonSafeRecord } from './text/json-safe.js';
import { normalizeText, normalizeTitle } from './text/normalize-text.js';

/** Inputs over this many bytes are TOO_LARGE unless a limit is given: 50 MiB. */
export const DEFAULT_MAX_INPUT_BYTES = 50 * 1024 * 1024;
/** Content over this many characters is cut (and `metadata.truncated` set) unless a limit is given: 10 million. */
export const DEFAULT_MAX_OUTPUT_CHARS = 10_000_000;
const MAX_TITLE_CHARS = 1000;

/** Options of extractInline. */
export interface ExtractInlineOptions {
  readonly signal?: AbortSignal;
  /** Larger inputs are rejected with TOO_LARGE. Default 50 MiB. */
  readonly maxInputBytes?: number;
  /** Longer content is cut to this many characters, with `metadata.truncated: true`. Default 10,000,000. */
  readonly maxOutputChars?: number;
}

// Format modules load on first use: a worker that only sees Markdown never pays for pdf.js.
const EXTRACTORS: Readonly<Record<ExtractFormat, () => Promise<FormatExtractor>>> = {
  text: async () => (await import('./formats/text.js')).extractText,
  markdown: async () => (await import('./formats/markdown.js')).extractMarkdown,
  html: async () => (await import('./formats/html.js')).extractHtml,
  json: async () => (await import('./formats/json.js')).extractJson,
  jsonl: async () => (await import('./formats/jsonl.js')).extractJsonl,
  csv: async () => (await import('./formats/csv.js')).extractCsv,
  pdf: async () => (await import('./formats/pdf.js')).extractPdf,
  docx: async () => (await import('./formats/docx.js')).extractDocx,
};

/**
 * Extracts one document on the calling thread. A pathological file can block this thread for as long as its parser
 * takes, and cancellation is only checked between steps: servers should use WorkerPoolExtractor, which runs this in
 * a worker it can stop. Content is normalized (see normalizeText); empty content is EMPTY_CONTENT; any parser
 * failure is EXTRACT_FAILED.
 */
export async function extractInline(input: ExtractInput, options: ExtractInlineOptions = {}): Promise<Extraction> {
  const { bytes, name, contentType, format: explicit } = checkInput(input);
  const { signal, maxInputBytes = DEFAULT_MAX_INPUT_BYTES, maxOutputChars = DEFAULT_MAX_OUTPUT_CHARS } = checkInlineOptions(options);
  if (signal?.aborted) throw abortedError(signal, name);
  if (bytes.byteLength > maxInputBytes) throw tooLargeError(name, bytes.byteLength, maxInputBytes);
  const format = detectFormat({ bytes, ...(name === undefined ? {} : { name }), ...(contentType === undefined ? {} : { contentType }), ...(explicit === undefined ? {} : { format: explicit }) });
  let raw: RawExtraction;
  try {
    const extractor = await EXTRACTORS[format]();
    raw = await extractor(bytes, { name, signal, maxChars: maxOutputChars });
  } catch (error) {
    if (isExtractError(error)) throw error;
    throw new ExtractError(
      'EXTRACT_FAILED',
      `Could not extract text from ${describeSource(name)} as ${format}: ${reason(error)}. The file may be damaged or not really ${format}; check it, or pass the right \`format\`.`,
      { data: { ...(name === undefined ? {} : { name }), format }, cause: error },
    );
  }
  if (signal?.aborted) throw abortedError(signal, name);

  const metadata: Record<string, unknown> = { ...raw.metadata };
  let content = normalizeText(raw.content);
  if (content === '') {
    throw new ExtractError(
      'EMPTY_CONTENT',
      `${describeSource(name)} has no text to extract as ${format}${format === 'pdf' ? ' (a scanned PDF has only images, and OCR is not supported)' : ''}. Skip it, or check that it holds text.`,
      { data: { ...(name === undefined ? {} : { name }), format } },
    );
  }
  if (content.length > maxOutputChars) {
    if (metadata.truncated !== true) metadata.original_chars = content.length;
    content = cut(content, maxOutputChars);
    metadata.truncated = true;
  }
  let title = normalizeTitle(raw.title);
  if (title !== null && title.length > MAX_TITLE_CHARS) {
    title = cut(title, MAX_TITLE_CHARS);
    metadata.title_truncated = true;
  }
  return { format, title, content, metadata: jsonSafeRecord(metadata) ?? {} };
}

// Cuts at `length` characters without splitting a surrogate pair.
function cut(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? length - 1 : length);
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line || 'unknown error';
}
