// The on-disk schema: table definitions and the schema version later releases migrate from.

/** The schema version this release writes. Opening a file with a higher version fails with SCHEMA_TOO_NEW. */
export const SCHEMA_VERSION = 1;

/** The table that holds records. The `embedding FLOAT[n]` column is added once the dimension is known. */
export const DOCUMENTS_TABLE = 'cf_documents';
/** Key/value facts about the dataset: schema version, embedding model and dimension. */
export const META_TABLE = 'cf_meta';

/** Statements that create schema version 1 on an empty database, in order. */
export const SCHEMA_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${META_TABLE} (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS ${DOCUMENTS_TABLE} (
    uuid VARCHAR PRIMARY KEY,
    collection VARCHAR,
    title VARCHAR,
    content VARCHAR NOT NULL,
    context VARCHAR,
    tags VARCHAR[] NOT NULL,
    metadata JSON NOT NULL,
    record_type VARCHAR NOT NULL,
    parent_id VARCHAR,
    chunk_index INTEGER,
    source_type VARCHAR,
    source_uri VARCHAR,
    content_hash VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
  )`,
];
