// The public surface of @contextframe/core: the batch engine (progress, cancellation, transactions, bounded
// parallelism) and the batch operations with their zod input schemas. Nothing else in this package is API.

// errors
export { CoreError, cancelledError, isCancellation, isCoreError } from './errors/core-error.js';
export { toItemError } from './errors/item-error.js';
export type { CoreErrorCode, CoreErrorOptions, CoreOwnErrorCode } from './errors/core-error.js';
export type { ItemError } from './errors/item-error.js';

// engine
export { DEFAULT_LIMITS, resolveLimits } from './engine/batch-context.js';
export { runBatch } from './engine/batch-handler.js';
export { throwIfCancelled } from './engine/cancellation.js';
export { chunked } from './engine/chunked.js';
export { CollectingProgressSink } from './engine/collecting-progress-sink.js';
export { Mutex } from './engine/mutex.js';
export { NoopProgressSink, noopProgressSink } from './engine/noop-progress-sink.js';
export { ProgressTracker } from './engine/progress-tracker.js';
export { rolledBackError } from './engine/rolled-back-error.js';
export { runBounded } from './engine/run-bounded.js';
export { runOperation } from './engine/run-operation.js';
export { teeProgressSink } from './engine/tee-progress-sink.js';
export type { BatchContext, BatchLimits } from './engine/batch-context.js';
export type { BatchHandlerOptions, BatchRun, StopReason } from './engine/batch-handler.js';
export type { Chunk } from './engine/chunked.js';
export type { CollectingProgressSinkOptions, ProgressSummary, RecordedEvent } from './engine/collecting-progress-sink.js';
export type { ItemOutcome } from './engine/item-outcome.js';
export type {
  BatchCompleteEvent,
  BatchItemEvent,
  BatchProgressEvent,
  BatchStartEvent,
  BatchStatus,
  BatchSummary,
  ProgressSink,
} from './engine/progress-sink.js';
export type { ProgressTrackerOptions } from './engine/progress-tracker.js';
export type { RunBoundedOptions } from './engine/run-bounded.js';

// input validation
export { describeIssues, formatPath, issuesOf, parseInput } from './input/parse-input.js';
export type { InputIssue } from './input/parse-input.js';

// embedding helpers
export { checkEmbedderFits } from './embedding/check-embedder.js';
export { embedGroups } from './embedding/embed-groups.js';
export { meanVector } from './embedding/mean-vector.js';
export type { GroupEmbedding } from './embedding/embed-groups.js';

// records as agents see them
export { compileContentTemplate, TEMPLATE_FIELDS } from './records/content-template.js';
export { mergeMetadata } from './records/merge-metadata.js';
export { isMetadataFieldKey, METADATA_FIELD_KEYS, splitMetadata } from './records/metadata-fields.js';
export { isUuid, UUID_PATTERN } from './records/uuid.js';
export type { ContentTemplate, TemplateSource } from './records/content-template.js';
export type { MetadataFieldKey, MetadataFields, SplitMetadata } from './records/metadata-fields.js';

// one record's update (update_document) through batch_update's steps, chunks included
export { updateRecord } from './records/update-record.js';
export type { UpdateRecordInput, UpdateRecordResult } from './records/update-record.js';

// file paths (export and import stay under the allowed roots)
export { allowedRootsOf, checkAllowedPath } from './paths/allowed-roots.js';

// sources (batch_extract): files under the allowed roots and SSRF-safe URL fetching
export { classifyAddress } from './sources/classify-address.js';
export { expandFileSource } from './sources/expand-file-source.js';
export { FetchPolicySchema } from './sources/fetch-policy.js';
export { fetchUrl, USER_AGENT } from './sources/fetch-url.js';
export { readSourceFile } from './sources/read-source-file.js';
export { DEFAULT_SOURCE_LIMITS } from './sources/source-limits.js';
export { checkUrlTarget } from './sources/url-target.js';
export type { AddressKind, BlockedRange } from './sources/classify-address.js';
export type { ExpandedFileSource, ExpandFileSourceOptions, SkippedEntry, SkipReason } from './sources/expand-file-source.js';
export type { FetchPolicy, HostResolver, ResolvedAddress } from './sources/fetch-policy.js';
export type { FetchedUrl } from './sources/fetch-url.js';
export type { ReadSourceFileOptions, SourceFile } from './sources/read-source-file.js';

// selection (filter | document_ids)
export { checkSelection, MAX_DOCUMENT_IDS, resolveTargets, targetSelectionShape } from './selection/target-selection.js';
export type { ResolvedTargets, SelectionReader, TargetSelection } from './selection/target-selection.js';

// ingestion (batch_add's pipeline; import reuses it)
export { CHUNKING_METADATA_KEY } from './ingest/chunk-settings.js';
export { DocumentInputSchema } from './ingest/document-input.js';
export { ingestDocuments } from './ingest/ingest-documents.js';
export type { ChunkSettings } from './ingest/chunk-settings.js';
export type { DocumentInput, IngestSettings } from './ingest/document-input.js';
export type { IngestOptions, IngestResult } from './ingest/ingest-documents.js';

// enhance (batch_enhance: the Enhancer interface, the extractive and OpenAI-compatible enhancers, the operation)
export { checkEnhancement, ENHANCEMENT_LIMITS, RESERVED_FACT_KEYS } from './enhance/check-enhancement.js';
export { ENHANCEMENTS } from './enhance/enhancer.js';
export { ExtractiveEnhancer } from './enhance/extractive-enhancer.js';
export { OPENAI_CHAT_ENHANCER_DEFAULTS, OpenAIChatEnhancer } from './enhance/openai-chat-enhancer.js';
export { batchEnhance, BatchEnhanceInputSchema, MAX_ENHANCE_DOCUMENTS, MAX_PURPOSE_LENGTH } from './operations/batch-enhance.js';
export type { CheckedEnhancement } from './enhance/check-enhancement.js';
export type {
  EnhanceDocument,
  Enhancement,
  EnhancementError,
  EnhancementValues,
  EnhanceOptions,
  EnhanceOutcome,
  EnhanceRequest,
  Enhancer,
  Facts,
  FactValue,
} from './enhance/enhancer.js';
export type { ExtractiveEnhancerOptions, TermStatisticsSource } from './enhance/extractive-enhancer.js';
export type { OpenAIChatEnhancerOptions } from './enhance/openai-chat-enhancer.js';
export type { BatchEnhanceInput, BatchEnhanceResult, EnhancedDocument } from './operations/batch-enhance.js';

// operations
export { batchAdd, BatchAddInputSchema, MAX_ADD_DOCUMENTS, SharedSettingsSchema } from './operations/batch-add.js';
export { batchDelete, BatchDeleteInputSchema, DRY_RUN_LISTED_IDS } from './operations/batch-delete.js';
export { batchExport, BatchExportInputSchema } from './operations/batch-export.js';
export { batchExtract, BatchExtractInputSchema, ExtractSourceSchema, MAX_EXTRACT_FILES, MAX_EXTRACT_SOURCES } from './operations/batch-extract.js';
export { batchImport, BatchImportInputSchema } from './operations/batch-import.js';
export { BATCH_OPERATIONS } from './operations/batch-operations.js';
export { batchSearch, BatchSearchInputSchema, MAX_QUERIES, SearchQuerySchema } from './operations/batch-search.js';
export { batchUpdate, BatchUpdateInputSchema, MAX_UPDATE_DOCUMENTS, UpdatesSchema } from './operations/batch-update.js';
export type { BatchAddInput, BatchAddResult } from './operations/batch-add.js';
export type { BatchDeleteDryRunResult, BatchDeleteInput, BatchDeleteResult, BatchDeleteRunResult } from './operations/batch-delete.js';
export type { BatchExportInput, BatchExportResult } from './operations/batch-export.js';
export type { BatchExtractInput, BatchExtractResult, ExtractSourceResult } from './operations/batch-extract.js';
export type { BatchImportInput, BatchImportResult, ImportRowError } from './operations/batch-import.js';
export type { BatchOperation, BatchOperationName } from './operations/batch-operations.js';
export type { BatchSearchInput, BatchSearchResult, SearchQueryResult, SearchResultItem } from './operations/batch-search.js';
export type { BatchUpdateInput, BatchUpdateResult } from './operations/batch-update.js';
