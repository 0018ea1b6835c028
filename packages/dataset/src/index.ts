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

// store

// search

// embedders

// chunking
