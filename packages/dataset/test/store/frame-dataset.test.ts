import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetError, FrameDataset, type FrameRecord, SCHEMA_VERSION } from '../../src/index.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;
let file: string;

beforeEach(async () => {
  dir = tempDir();
  file = join(dir.path, 'nested', 'folder', 'data.duckdb');
  ds = await FrameDataset.open({ path: file });
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

async function expectError(promise: Promise<unknown>, code: string): Promise<DatasetError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  expect((error as DatasetError).code).toBe(code);
  return error as DatasetError;
}

describe('opening', () => {
  it('creates the file and its parent folders, and a reopen sees every committed record', async () => {
    expect(existsSync(file)).toBe(true);
    await ds.add([
      { uuid: ID(1), content: 'first', title: 'One', tags: ['a'], metadata: { n: 1, deep: { x: [1, 'two', null] } } },
      { uuid: ID(2), content: 'second' },
    ]);
    const before = await ds.get([ID(1), ID(2)]);
    await ds.close();
    ds = await FrameDataset.open({ path: file });
    expect(await ds.get([ID(1), ID(2)])).toEqual(before);
    expect((await ds.stats()).schema_version).toBe(SCHEMA_VERSION);
  });

  it('refuses a file written by a newer schema with SCHEMA_TOO_NEW and leaves it untouched', async () => {
    await ds.add([{ uuid: ID(1), content: 'kept' }]);
    await ds.close();
    const raw = await DuckDBInstance.create(file);
    const connection = await raw.connect();
    await connection.run(`UPDATE cf_meta SET value = '${SCHEMA_VERSION + 1}' WHERE key = 'schema_version'`);
    connection.closeSync();
    raw.closeSync();
    const error = await expectError(FrameDataset.open({ path: file }), 'SCHEMA_TOO_NEW');
    expect(error.message).toContain(`version ${SCHEMA_VERSION + 1}`);
    expect(error.message).toMatch(/upgrade contextframe/);
    const again = await DuckDBInstance.create(file);
    const check = await again.connect();
    const rows = (await check.runAndReadAll('SELECT count(*) FROM cf_documents')).getRows();
    expect(Number(rows[0]?.[0])).toBe(1);
    check.closeSync();
    again.closeSync();
    ds = await FrameDataset.open({ path: ':memory:' });
  });

  it('reports which ids exist', async () => {
    await ds.add([{ uuid: ID(1), content: 'x' }]);
    expect(await ds.existing([ID(1), ID(2)])).toEqual(new Set([ID(1)]));
  });

  it('works in memory', async () => {
    const memory = await FrameDataset.open({ path: ':memory:' });
    await memory.add([{ content: 'x' }]);
    expect(await memory.count()).toBe(1);
    await memory.close();
  });

  it('fails every call after close with DATASET_CLOSED', async () => {
    await ds.close();
    await expectError(ds.count(), 'DATASET_CLOSED');
    await expectError(ds.add([{ content: 'x' }]), 'DATASET_CLOSED');
    ds = await FrameDataset.open({ path: ':memory:' });
  });
});

describe('adding', () => {
  it('fills defaults: a random uuid, the content hash, record_type document and timestamps set by the store', async () => {
    const before = Date.now();
    const [id] = await ds.add([{ content: 'hello world' }]);
    const [record] = await ds.get([id!]);
    expect(record).toMatchObject({
      uuid: id,
      content: 'hello world',
      collection: null,
      title: null,
      context: null,
      tags: [],
      metadata: {},
      record_type: 'document',
      parent_id: null,
      chunk_index: null,
      embedding: null,
      content_hash: 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
    });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(record!.created_at)).toBeGreaterThanOrEqual(before);
    expect(record!.updated_at).toBe(record!.created_at);
  });

  it('keeps every given field exactly, timestamps included', async () => {
    const input = {
      uuid: ID(7).toUpperCase(),
      collection: 'docs',
      title: 'Ünïcödé 🚀 "quotes", commas\nnewlines',
      content: '',
      context: '',
      tags: ['x', '', 'y z'],
      metadata: { nested: { a: [1, 2.5, { b: null }], t: true }, s: '' },
      record_type: 'chunk',
      parent_id: ID(8),
      chunk_index: 3,
      source_type: 'file',
      source_uri: 'file:///tmp/a.md',
      content_hash: 'given',
      created_at: '2020-01-02T03:04:05.678Z',
      updated_at: '2021-01-02T03:04:05.678Z',
    };
    await ds.add([input]);
    const [record] = await ds.get([ID(7)]);
    expect(record).toEqual({ ...input, uuid: ID(7), embedding: null });
  });

  it('fails the whole batch with INVALID_RECORD naming the item and field, and writes nothing', async () => {
    const error = await expectError(
      ds.add([{ content: 'ok' }, { content: 'bad', tags: 'not-a-list' as unknown as string[] }]),
      'INVALID_RECORD',
    );
    expect(error.message).toMatch(/Record 1: tags must be a list of strings/);
    expect(error.data).toEqual({ index: 1, field: 'tags' });
    expect(await ds.count()).toBe(0);
  });

  it.each([
    [{ uuid: 'nope' }, 'uuid'],
    [{ content: 5 }, 'content'],
    [{ metadata: [] }, 'metadata'],
    [{ metadata: { x: Number.NaN } }, 'metadata.x'],
    [{ chunk_index: -1 }, 'chunk_index'],
    [{ chunk_index: 1.5 }, 'chunk_index'],
    [{ embedding: [1, Number.POSITIVE_INFINITY] }, 'embedding'],
    [{ embedding: [] }, 'embedding'],
    [{ created_at: 'yesterday' }, 'created_at'],
    [{ title: 3 }, 'title'],
    [{ record_type: '' }, 'record_type'],
    [{ parent_id: 'x' }, 'parent_id'],
  ])('rejects %j with INVALID_RECORD on %s', async (bad, field) => {
    const error = await expectError(ds.add([{ content: 'c', ...(bad as object) }]), 'INVALID_RECORD');
    expect((error.data as { field: string }).field).toBe(field);
  });

  it('fails with DUPLICATE_ID for a uuid that exists or repeats, writing nothing', async () => {
    await ds.add([{ uuid: ID(1), content: 'original' }]);
    const existing = await expectError(ds.add([{ uuid: ID(2), content: 'x' }, { uuid: ID(1), content: 'dup' }]), 'DUPLICATE_ID');
    expect(existing.message).toContain(ID(1));
    expect(existing.data).toEqual({ uuid: ID(1), index: 1 });
    await expectError(ds.add([{ uuid: ID(3), content: 'x' }, { uuid: ID(3), content: 'y' }]), 'DUPLICATE_ID');
    expect(await ds.ids()).toEqual([ID(1)]);
    expect((await ds.get([ID(1)]))[0]?.content).toBe('original');
  });
});

describe('updating, upserting and deleting', () => {
  beforeEach(async () => {
    await ds.add([
      { uuid: ID(1), content: 'one', title: 'T1', metadata: { a: 1 }, created_at: '2020-01-01T00:00:00.000Z', updated_at: '2020-01-01T00:00:00.000Z' },
      { uuid: ID(2), content: 'two' },
      { uuid: ID(3), content: 'chunk a', record_type: 'chunk', parent_id: ID(1), chunk_index: 0 },
      { uuid: ID(4), content: 'chunk b', record_type: 'chunk', parent_id: ID(1), chunk_index: 1 },
    ]);
  });

  it('patches only the given fields, recomputes the content hash and moves updated_at', async () => {
    const [old] = await ds.get([ID(1)]);
    const result = await ds.update([
      { uuid: ID(1), patch: { content: 'uno', tags: ['t'] } },
      { uuid: ID(9), patch: { title: 'ghost' } },
    ]);
    expect(result).toEqual({ updated: [ID(1)], notFound: [ID(9)] });
    const [now] = await ds.get([ID(1)]);
    expect(now).toMatchObject({ content: 'uno', tags: ['t'], title: 'T1', metadata: { a: 1 }, created_at: old!.created_at });
    expect(now!.content_hash).not.toBe(old!.content_hash);
    expect(Date.parse(now!.updated_at)).toBeGreaterThan(Date.parse(old!.updated_at));
    expect(await ds.count()).toBe(4);
  });

  it('moves updated_at even for two updates within the same millisecond', async () => {
    const stamps: string[] = [];
    for (let i = 0; i < 5; i++) {
      await ds.update([{ uuid: ID(2), patch: { title: `t${i}` } }]);
      stamps.push((await ds.get([ID(2)]))[0]!.updated_at);
    }
    expect(new Set(stamps).size).toBe(5);
    expect([...stamps].sort()).toEqual(stamps);
  });

  it('upserts: replaces existing records keeping created_at, inserts new ones', async () => {
    const result = await ds.upsert([
      { uuid: ID(1), content: 'replaced' },
      { uuid: ID(5), content: 'new' },
    ]);
    expect(result).toEqual({ inserted: [ID(5)], replaced: [ID(1)] });
    const [one, five] = await ds.get([ID(1), ID(5)]);
    expect(one).toMatchObject({ content: 'replaced', title: null, created_at: '2020-01-01T00:00:00.000Z' });
    expect(one!.updated_at > '2020-01-01T00:00:00.000Z').toBe(true);
    expect(five?.content).toBe('new');
  });

  it('deletes documents with their chunks and reports unknown ids', async () => {
    const result = await ds.delete([ID(1), ID(9)]);
    expect(result).toEqual({ deleted: [ID(1)], notFound: [ID(9)], chunksDeleted: 2 });
    expect(await ds.ids()).toEqual([ID(2)]);
  });

  it('gets a document with its chunks in chunk order', async () => {
    const records = await ds.get([ID(1)], { includeChunks: true });
    expect(records.map((r) => r.uuid)).toEqual([ID(1), ID(3), ID(4)]);
  });
});

describe('querying', () => {
  beforeEach(async () => {
    await ds.add(
      Array.from({ length: 30 }, (_, i) => ({
        uuid: ID(i),
        content: `doc ${i}`,
        title: `title ${String(i).padStart(2, '0')}`,
        collection: i % 3 === 0 ? 'alpha' : i % 3 === 1 ? 'beta' : null,
        metadata: { n: i, even: i % 2 === 0 },
        record_type: i >= 27 ? 'chunk' : 'document',
      })),
    );
  });

  it('filters, orders and pages', async () => {
    const page = await ds.query({ filter: "collection = 'alpha' AND n >= 6", orderBy: [{ field: 'title', direction: 'desc' }], limit: 3, offset: 1 });
    expect(page.map((r) => r.metadata.n)).toEqual([24, 21, 18]);
    expect(await ds.count("collection = 'alpha' AND n >= 6")).toBe(8);
    expect(await ds.count()).toBe(30);
    expect(await ds.count('even = true')).toBe(15);
    expect(await ds.count('n IN (1, 2.5, 3)')).toBe(2);
    expect(await ds.count('n BETWEEN 0 AND 2.5')).toBe(3);
  });

  it('rejects an unknown order field and a bad limit with INVALID_ARGUMENT', async () => {
    await expectError(ds.query({ orderBy: [{ field: 'tags' as 'title' }] }), 'INVALID_ARGUMENT');
    await expectError(ds.query({ limit: -1 }), 'INVALID_ARGUMENT');
    await expectError(ds.query({ orderBy: [{ field: 'title', direction: 'sideways' as 'asc' }] }), 'INVALID_ARGUMENT');
  });

  it('gives FILTER_SYNTAX for a malformed filter', async () => {
    await expectError(ds.query({ filter: "title = 'x" }), 'FILTER_SYNTAX');
  });

  it('lists collections with document and chunk counts, and stats', async () => {
    expect(await ds.collections()).toEqual([
      { collection: null, documents: 9, chunks: 1, records: 10 },
      { collection: 'alpha', documents: 9, chunks: 1, records: 10 },
      { collection: 'beta', documents: 9, chunks: 1, records: 10 },
    ]);
    expect(await ds.stats()).toEqual({
      records: 30,
      documents: 27,
      chunks: 3,
      with_embeddings: 0,
      collections: 2,
      embedding: null,
      schema_version: SCHEMA_VERSION,
    });
  });

  it('scans every matching record in uuid-ordered batches', async () => {
    const batches: FrameRecord[][] = [];
    for await (const batch of ds.scan({ filter: 'n < 25', batchSize: 10 })) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((r) => r.uuid)).toEqual(Array.from({ length: 25 }, (_, i) => ID(i)));
  });
});

describe('embeddings', () => {
  it('remembers the first dimension and model, keeps float32 values bit-exact, and persists them', async () => {
    const vector = Float32Array.from([0.1, -0.2, 1e-7, 3.4028234663852886e38]);
    await ds.add([{ uuid: ID(1), content: 'v', embedding: vector }], { embeddingModel: 'model-a' });
    expect(ds.embeddingInfo).toEqual({ model: 'model-a', dimensions: 4 });
    await ds.close();
    ds = await FrameDataset.open({ path: file });
    expect(ds.embeddingInfo).toEqual({ model: 'model-a', dimensions: 4 });
    const [record] = await ds.get([ID(1)]);
    expect(record!.embedding).toEqual(vector);
    expect((await ds.stats()).with_embeddings).toBe(1);
    expect(await ds.count('embedding IS NOT NULL')).toBe(1);
  });

  it('stores a batch mixing vectors and nulls, more rows than one data chunk holds', async () => {
    const records = Array.from({ length: 5000 }, (_, i) => ({
      uuid: ID(i),
      content: `r${i}`,
      embedding: i % 3 === 0 ? null : Float32Array.from([i, -i, i / 7]),
    }));
    await ds.add(records);
    const stored = await ds.get(records.map((r) => r.uuid));
    expect(stored.map((r) => r.embedding)).toEqual(records.map((r) => r.embedding));
    expect(await ds.count('embedding IS NULL')).toBe(1667);
  });

  it('refuses vectors of another dimension or model with EMBEDDING_MISMATCH and writes nothing', async () => {
    await ds.add([{ uuid: ID(1), content: 'v', embedding: [1, 0, 0] }], { embeddingModel: 'model-a' });
    const dims = await expectError(ds.add([{ uuid: ID(2), content: 'w', embedding: [1, 0] }], { embeddingModel: 'model-a' }), 'EMBEDDING_MISMATCH');
    expect(dims.message).toMatch(/2-dimension.*3-dimension/);
    const model = await expectError(ds.add([{ uuid: ID(3), content: 'w', embedding: [1, 0, 0] }], { embeddingModel: 'model-b' }), 'EMBEDDING_MISMATCH');
    expect(model.message).toContain('model-a');
    await expectError(ds.add([{ uuid: ID(4), content: 'a', embedding: [1, 2] }, { uuid: ID(5), content: 'b', embedding: [1, 2, 3] }]), 'EMBEDDING_MISMATCH');
    expect(await ds.ids()).toEqual([ID(1)]);
  });

  it('forgets a first dimension whose transaction rolled back', async () => {
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(1), content: 'v', embedding: [1, 0] }]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(ds.embeddingInfo).toBeNull();
    await ds.add([{ uuid: ID(2), content: 'v', embedding: [1, 0, 0] }]);
    expect(ds.embeddingInfo).toEqual({ model: null, dimensions: 3 });
  });
});
