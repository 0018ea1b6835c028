// The public surface of @contextframe/extract: text extraction from document bytes, on the calling thread or in a
// pool of worker threads. Nothing else in this package is part of the API.

// errors
export { EXTRACT_ERROR_CODES, ExtractError, isExtractError } from './extract-error.js';
export type { ExtractErrorCode, ExtractErrorOptions } from './extract-error.js';

// formats
export { EXTRACT_FORMATS, isExtractFormat } from './extract-format.js';
export type { ExtractFormat } from './extract-format.js';
export { detectFormat } from './detect-format.js';

// extraction
export type { ExtractCallOptions, ExtractInput, Extraction, Extractor } from './extractor.js';
export { DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_OUTPUT_CHARS, extractInline } from './extract-inline.js';
export type { ExtractInlineOptions } from './extract-inline.js';
export { normalizeText } from './text/normalize-text.js';

// worker pool
export { WorkerPoolExtractor } from './pool/worker-pool-extractor.js';
export type { WorkerPoolExtractorOptions, WorkerPoolStats } from './pool/worker-pool-extractor.js';
