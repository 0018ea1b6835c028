// What every batch operation runs against: the dataset, the embedder, and optional cancellation, progress, limits.
import type { Embedder, FrameDataset } from '@contextframe/dataset';
import type { Extractor } from '@contextframe/extract';
import type { Enhancer } from '../enhance/enhancer.js';
import type { FetchPolicy } from '../sources/fetch-policy.js';
import type { ProgressSink } from './progress-sink.js';

/** Sizes and ceilings of the batch engine. Every field has a default (see DEFAULT_LIMITS). */
export interface BatchLimits {
  /** Most documents one batch_add takes (more fail with BATCH_TOO_LARGE). */
  readonly maxAddDocuments: number;
  /** Most queries one batch_search takes. */
  readonly maxQueries: number;
  /** Highest `max_parallel` honoured; larger values are lowered to it. */
  readonly maxParallel: number;
  /** Queries per group: each group is one embedder call and one multi-query search. */
  readonly searchGroupSize: number;
  /** Documents per work chunk: one embedder call per chunk, and one transaction per chunk in non-atomic adds. */
  readonly chunkDocuments: number;
  /** Records per write inside a transaction, so large batches don't build one huge append. */
  readonly writeBatchSize: number;
  /** Highest `max_documents` a batch_update may ask for; at most 999,999. */
  readonly maxUpdateDocuments: number;
  /** Most records one batch_delete may select (more fail with MAX_DOCUMENTS_EXCEEDED); at most 999,999. */
  readonly maxDeleteDocuments: number;
  /** Highest `max_documents` a batch_enhance may ask for; at most 100,000. */
  readonly maxEnhanceDocuments: number;
}

/** The defaults of every limit. */
export const DEFAULT_LIMITS: BatchLimits = Object.freeze({
  maxAddDocuments: 100_000,
  maxQueries: 1_000,
  maxParallel: 16,
  searchGroupSize: 20,
  chunkDocuments: 64,
  writeBatchSize: 2_000,
  maxUpdateDocuments: 100_000,
  maxDeleteDocuments: 100_000,
  maxEnhanceDocuments: 100_000,
});

/** Everything an operation needs; only `dataset` and `embedder` are required. */
export interface BatchContext {
  readonly dataset: FrameDataset;
  readonly embedder: Embedder;
  /** Cancels the operation: atomic work rolls back, non-atomic work stops before the next chunk. */
  readonly signal?: AbortSignal;
  readonly progress?: ProgressSink;
  readonly limits?: Partial<BatchLimits>;
  /** Directories batch_export may write under and batch_import may read from (default: the working directory). */
  readonly allowedRoots?: readonly string[];
  /** What batch_enhance writes titles, tags, context and facts with (default: an ExtractiveEnhancer over `dataset`). */
  readonly enhancer?: Enhancer;
  /**
   * Turns bytes into text for batch_extract. Default: extraction on the calling thread, with no time limit;
   * servers pass a WorkerPoolExtractor, which isolates each extraction in a worker thread with a timeout.
   */
  readonly extractor?: Extractor;
  /** What URLs batch_extract may fetch (default: public addresses only, with the default time and size caps). */
  readonly fetchPolicy?: FetchPolicy;
}

/** The context's limits with defaults filled in. */
export function resolveLimits(limits: Partial<BatchLimits> | undefined): BatchLimits {
  return { ...DEFAULT_LIMITS, ...limits };
}
