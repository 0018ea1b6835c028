// Bulk readers of DuckDB vectors, shared with the sibling package that reads Parquet through DuckDB
// (@contextframe/io). Not part of the dataset API (`src/index.ts` is): this entry may change with them.
export { readVarcharListVector, readVarcharVector } from './store/chunk-columns.js';
// Rows per data chunk, and bulk writers of data-chunk columns, for the Parquet writer's binary path (exports with embeddings).
export { setFloatListColumn, setIntegerColumn, setTimestampColumn, setVarcharColumn, setVarcharListColumn } from './store/chunk-columns.js';
export { CHUNK_ROWS } from './store/append-chunks.js';
