// A real DuckDB file in a temp folder with twelve varied records, for the filter tests to run compiled SQL against.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { compileFilter } from '../../src/index.js';
import type { FilterNode, JsonObject } from '../../src/index.js';
import { SCHEMA_DDL } from '../../src/schema.js';
import { SqlParams } from '../../src/sql/params.js';

interface FixtureRow {
  uuid: string;
  collection?: string | null;
  title?: string | null;
  content: string;
  context?: string | null;
  tags: string[];
  metadata: JsonObject;
  record_type?: string;
  parent_id?: string | null;
  chunk_index?: number | null;
  source_type?: string | null;
  source_uri?: string | null;
  content_hash?: string | null;
  created_at: string;
  updated_at?: string;
}

/** The fixture records; the expected uuid sets in the tests are worked out by hand from these. */
export const ROWS: readonly FixtureRow[] = [
  {
    uuid: 'd01',
    collection: 'papers',
    title: 'Attention Is All You Need',
    content: 'Transformers replace recurrence with attention.',
    context: 'Vaswani et al. 2017',
    tags: ['ml', 'nlp'],
    metadata: {
      status: 'reviewed',
      priority: 5,
      year: 2017,
      authors: ['Vaswani', 'Shazeer'],
      venue: { name: 'NeurIPS', rank: 1 },
      published: true,
    },
    source_type: 'file',
    source_uri: '/papers/attention.pdf',
    content_hash: 'h01',
    created_at: '2024-01-15 10:00:00',
    updated_at: '2024-02-01 00:00:00',
  },
  {
    uuid: 'd02',
    collection: 'papers',
    title: 'BERT: Pre-training of Deep Bidirectional Transformers',
    content: 'Masked language modelling.',
    tags: ['ml', 'nlp', 'pretraining'],
    metadata: { status: 'draft', priority: '5', year: 2018, published: false, venue: { name: 'NAACL', rank: 2 } },
    source_type: 'file',
    source_uri: '/papers/bert.pdf',
    created_at: '2024-03-01 00:00:00',
    updated_at: '2024-03-02 00:00:00',
  },
  {
    uuid: 'd03',
    collection: 'notes',
    content: 'A note without a title.',
    tags: [],
    metadata: {},
    created_at: '2024-03-01 12:30:00.25',
  },
  {
    uuid: 'd04',
    title: 'Café crème ☕',
    content: 'Unicode: naïve façade 日本語',
    tags: ['unicode', 'food'],
    metadata: {
      status: null,
      priority: 3.5,
      'my key': { x: 'odd' },
      "it's": 'quote key',
      $dollar: 1,
      'a/b': 'slash',
      'ti~lde': 't',
      title: 'meta title',
    },
    created_at: '2023-12-31 23:59:59.999999',
    updated_at: '2024-01-01 00:00:00',
  },
  {
    uuid: 'd05',
    collection: 'papers',
    title: 'Attention Is All You Need',
    content: 'Transformers replace',
    context: 'From: Attention Is All You Need',
    tags: ['ml'],
    metadata: { priority: -2, status: 'reviewed', score: 0.001 },
    record_type: 'chunk',
    parent_id: 'd01',
    chunk_index: 0,
    created_at: '2024-01-15 10:00:01',
  },
  {
    uuid: 'd06',
    collection: 'papers',
    content: 'recurrence with attention.',
    tags: ['ml', 'draft'],
    metadata: { priority: 10, status: 'REVIEWED' },
    record_type: 'chunk',
    parent_id: 'd01',
    chunk_index: 1,
    created_at: '2024-01-15 10:00:02',
  },
  {
    uuid: 'd07',
    collection: 'papers',
    content: 'Masked',
    tags: [],
    metadata: { nested: { deep: { value: 42 } }, flag: 'true' },
    record_type: 'chunk',
    parent_id: 'd02',
    chunk_index: 2,
    created_at: '2024-03-01 00:00:01',
  },
  {
    uuid: 'd08',
    collection: 'web',
    title: "O'Reilly's guide",
    content: "It's 100% done; DROP TABLE cf_documents; --",
    tags: ["it's"],
    metadata: { status: "'; DROP TABLE cf_documents; --", priority: 0 },
    source_type: 'url',
    source_uri: 'https://example.com/a?b=1',
    created_at: '2024-06-30 23:00:00',
  },
  {
    uuid: 'd09',
    collection: 'papers',
    title: 'percent 100% and under_score',
    content: 'x',
    tags: ['NLP'],
    metadata: { priority: 1e20, count: '10' },
    created_at: '2024-07-01 00:00:00',
  },
  {
    uuid: 'd10',
    collection: 'web',
    title: 'Scores',
    content: 'numbers',
    tags: ['ml'],
    metadata: { status: 'reviewed', priority: 7, published: 'false', arr: [1, 2, 3] },
    content_hash: 'abc',
    created_at: '2025-06-01 00:00:00',
    updated_at: '2025-06-02 00:00:00',
  },
  {
    uuid: 'd11',
    collection: 'notes',
    title: 'Title case',
    content: 'Capitalised metadata key',
    tags: ['misc'],
    metadata: { Status: 'Reviewed' },
    source_type: 'file',
    source_uri: '/tmp/x.txt',
    created_at: '2024-02-29 12:00:00',
  },
  {
    uuid: 'd12',
    collection: 'archive',
    title: 'Archived',
    content: 'old',
    tags: ['archive'],
    metadata: { priority: null, status: 'archived', tags: ['x'], metadata: { inner: 1 } },
    created_at: '2022-05-05 05:05:05',
  },
];

export const ALL_UUIDS: readonly string[] = ROWS.map((row) => row.uuid);

/** A fixture database and the helpers the tests use on it. */
export interface FilterFixture {
  readonly connection: DuckDBConnection;
  /** Compiles `filter` and returns the uuids it selects, sorted. */
  matching(filter: string | FilterNode | null, options?: { alias?: string; hasEmbedding?: boolean }): Promise<string[]>;
  /** Runs a query and returns its rows as plain objects. */
  rows(sql: string, values?: DuckDBValue[]): Promise<Record<string, unknown>[]>;
  close(): void;
}

/** Creates cf_documents from SCHEMA_DDL in a fresh temp folder and inserts ROWS. */
export async function createFixture(): Promise<FilterFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-filter-'));
  const instance = await DuckDBInstance.create(join(dir, 'filter.duckdb'));
  const connection = await instance.connect();
  for (const ddl of SCHEMA_DDL) await connection.run(ddl);
  for (const row of ROWS) {
    await connection.run(
      `INSERT INTO cf_documents (uuid, collection, title, content, context, tags, metadata, record_type, parent_id,
         chunk_index, source_type, source_uri, content_hash, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, CAST(CAST($6 AS JSON) AS VARCHAR[]), CAST($7 AS JSON), $8, $9, $10, $11, $12, $13,
         CAST($14 AS TIMESTAMP), CAST($15 AS TIMESTAMP))`,
      [
        row.uuid,
        row.collection ?? null,
        row.title ?? null,
        row.content,
        row.context ?? null,
        JSON.stringify(row.tags),
        JSON.stringify(row.metadata),
        row.record_type ?? 'document',
        row.parent_id ?? null,
        row.chunk_index ?? null,
        row.source_type ?? null,
        row.source_uri ?? null,
        row.content_hash ?? null,
        row.created_at,
        row.updated_at ?? row.created_at,
      ],
    );
  }
  const rows = async (sql: string, values: DuckDBValue[] = []) =>
    (await connection.runAndReadAll(sql, values)).getRowObjectsJS() as Record<string, unknown>[];
  return {
    connection,
    rows,
    async matching(filter, options = {}) {
      const params = new SqlParams();
      const where = compileFilter(filter, { params, ...options });
      const column = options.alias === undefined ? 'uuid' : `${options.alias}.uuid`;
      const from = options.alias === undefined ? 'cf_documents' : `cf_documents AS ${options.alias}`;
      const result = await rows(`SELECT ${column} AS uuid FROM ${from} WHERE ${where} ORDER BY 1`, params.values);
      return result.map((row) => String(row.uuid));
    },
    close() {
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The uuids not in `uuids`, sorted. */
export function complement(uuids: readonly string[]): string[] {
  return ALL_UUIDS.filter((uuid) => !uuids.includes(uuid));
}
