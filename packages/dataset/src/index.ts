// The public surface of @contextframe/dataset: the DuckDB document store, its filter language, search,
// embedders and chunking. Nothing else in this package is part of the API.

// errors
export { DatasetError, isDatasetError } from './errors.js';
export type { DatasetErrorCode, DatasetErrorOptions } from './errors.js';

// records
export { RECORD_FIELDS } from './record.js';
export type { FrameRecord, JsonObject, JsonValue, NewRecord, RecordField, RecordPatch, RecordType } from './record.js';

// text
export { tokenize } from './text/tokenize.js';

// filter language
export { compileFilter } from './filter/compile.js';
export { FILTER_HELP } from './filter/filter-help.js';
export { MAX_FILTER_LENGTH } from './filter/lexer.js';
export { MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, parseFilter } from './filter/parser.js';
export type {
  AndNode,
  BetweenNode,
  ColumnField,
  CompareNode,
  ComparisonOperator,
  ContainsNode,
  FieldRef,
  FilterNode,
  InNode,
  IsNullNode,
  LikeNode,
  Literal,
  MetadataField,
  NotNode,
  OrNode,
} from './filter/ast.js';
export type { CompileFilterOptions } from './filter/compile.js';
export type { FilterErrorData } from './filter/filter-error.js';

// store
export { FrameDataset } from './frame-dataset.js';
export { SCHEMA_VERSION } from './schema.js';
export { DatasetReader, ORDERABLE_FIELDS } from './store/dataset-reader.js';
export { DatasetTransaction } from './store/dataset-transaction.js';
export { checkNewRecord } from './store/record-codec.js';
export type { OpenOptions, TransactionOptions } from './frame-dataset.js';
export type {
  CollectionInfo,
  DatasetStats,
  EmbeddingInfo,
  GetOptions,
  OrderableField,
  OrderBy,
  QueryOptions,
  ScanOptions,
} from './store/dataset-reader.js';
export type { DeleteResult, RecordUpdate, UpdateResult, UpsertResult, WriteOptions } from './store/dataset-transaction.js';
export type { RecordProblem } from './store/record-codec.js';

// search
export { indexedText } from './search/text-index.js';
export type { SearchOutcome } from './search/search.js';
export type { TermStatistics } from './search/term-statistics.js';
export type { Bm25Options, ComponentScores, FusionOptions, SearchHit, SearchRequest, SearchType } from './search/search-types.js';

// embedders
export { CachedEmbedder } from './embedding/cached-embedder.js';
export { contentHash } from './embedding/content-hash.js';
export { HashEmbedder } from './embedding/hash-embedder.js';
export { LruEmbeddingCache } from './embedding/lru-embedding-cache.js';
export { OPENAI_EMBEDDER_DEFAULTS, OpenAIEmbedder } from './embedding/openai-embedder.js';
export { backoffDelay, parseRetryAfter } from './embedding/retry.js';
export type { CachedEmbedderOptions } from './embedding/cached-embedder.js';
export type { EmbedOptions, EmbeddedBatch, Embedder } from './embedding/embedder.js';
export type { EmbeddingCacheEntry, EmbeddingCacheStore } from './embedding/embedding-cache-store.js';
export type { HashEmbedderOptions } from './embedding/hash-embedder.js';
export type { LruEmbeddingCacheOptions } from './embedding/lru-embedding-cache.js';
export type { OpenAIEmbedderOptions } from './embedding/openai-embedder.js';

// OpenAI-compatible HTTP: the JSON POST with auth, timeouts, cancellation and retries that OpenAIEmbedder and
// core's chat enhancer share; each maps the outcomes to its own errors
export { OPENAI_HTTP_LIMITS, OpenAIHttpClient, openAIHttpOptionsShape } from './embedding/openai-http-client.js';
export type {
  OpenAIHttpClientOptions,
  OpenAIHttpDefaults,
  OpenAIHttpFailure,
  OpenAIHttpHints,
  OpenAIHttpOptions,
  OpenAIHttpOutcome,
} from './embedding/openai-http-client.js';

// chunking
export { chunkText } from './chunking/chunk-text.js';
export type { ChunkOptions, TextChunk } from './chunking/chunk-text.js';
