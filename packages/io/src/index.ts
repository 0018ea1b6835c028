// The public surface of @contextframe/io: streaming readers and writers for JSON, JSONL, CSV and Parquet,
// field mapping and validation. Nothing else in this package is part of the API.

// errors
export { IoError, isIoError } from './io-error.js';
export type { IoErrorCode, IoErrorOptions } from './io-error.js';

// formats
export { FORMATS, detectFormat, extensionFor, isFormat } from './format.js';
export type { Format } from './format.js';

// reading
export { openReader } from './read/open-reader.js';
export { readerFor } from './read/readers.js';
export type { ReadItem, ReadOptions, RecordReader, RecordRow, RowError } from './read/open-reader.js';
export type { CsvOptions, FormatReader, FormatReadOptions, SourceFields, SourceItem, SourceReader, SourceRow, SourceRowError } from './format-reader.js';

// field mapping
export { createFieldMapper } from './mapping/field-mapper.js';
export type { FieldMapper, FieldMapperOptions, FieldMapping, MapResult } from './mapping/field-mapper.js';

// writing
export { writeRecordJson, writeRecords } from './write/write-records.js';
export { writerFor } from './write/writers.js';
export type { RecordSource, WriteOptions, WriteResult, WrittenFile } from './write/write-records.js';
export type { FormatWriteOptions, FormatWriter, RecordSink } from './format-writer.js';
export type { CsvDialect } from './csv/csv-dialect.js';
