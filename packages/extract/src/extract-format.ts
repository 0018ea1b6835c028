// The document formats the extractor reads. The lower-case names are a contract: agents pass and receive them.

/** A format the extractor can read. */
export type ExtractFormat = 'text' | 'markdown' | 'html' | 'json' | 'jsonl' | 'csv' | 'pdf' | 'docx';

/** Every supported format, in a stable order. */
export const EXTRACT_FORMATS: readonly ExtractFormat[] = Object.freeze(['text', 'markdown', 'html', 'json', 'jsonl', 'csv', 'pdf', 'docx'] as const);

/** True when `value` names a supported format. */
export function isExtractFormat(value: unknown): value is ExtractFormat {
  return typeof value === 'string' && (EXTRACT_FORMATS as readonly string[]).includes(value);
}
