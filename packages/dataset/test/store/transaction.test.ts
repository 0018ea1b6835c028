import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatasetError, FrameDataset, type FrameRecord } from '../../src/index.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;
let file: string;
let before: FrameRecord[];

beforeEach(async () => {
  dir = tempDir();
  file = join(dir.path, 'tx.duckdb');
  ds = await FrameDataset.open({ path: file });
  await ds.add(Array.from({ length: 5 }, (_, i) => ({ uuid: ID(i), content: `content ${i}`, metadata: { n: i } })));
  before = await ds.query({ includeEmbedding: true });
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

describe('dataset.transaction', () => {
  it('commits every write of the callback together', async () => {
    const result = await ds.transaction(async (tx) => {
      await tx.add([{ uuid: ID(10), content: 'new' }]);
      await tx.update([{ uuid: ID(0), patch: { title: 'changed' } }]);
      await tx.delete([ID(1)]);
      expect(await tx.count()).toBe(5);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await ds.ids()).toEqual([ID(0), ID(2), ID(3), ID(4), ID(10)]);
    expect((await ds.get([ID(0)]))[0]?.title).toBe('changed');
  });

  it('leaves no row changed when the callback throws after adds, updates and deletes, and rethrows', async () => {
    const failure = new Error('the 3rd step failed');
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(10), content: 'new' }]);
        await tx.update([{ uuid: ID(0), patch: { content: 'changed', metadata: { n: 99 } } }]);
        await tx.delete([ID(1), ID(2)]);
        await tx.upsert([{ uuid: ID(3), content: 'replaced' }]);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(await ds.query({ includeEmbedding: true })).toEqual(before);
  });

  it('rolls back when a statement inside fails, and the dataset stays usable', async () => {
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(10), content: 'new' }]);
        await tx.add([{ uuid: ID(0), content: 'duplicate' }]);
      }),
    ).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
    expect(await ds.query({ includeEmbedding: true })).toEqual(before);
    await ds.add([{ uuid: ID(11), content: 'after' }]);
    expect(await ds.count()).toBe(6);
  });

  it('rolls back with ABORTED when its signal fires, even though the callback finished', async () => {
    const controller = new AbortController();
    const error = await ds
      .transaction(
        async (tx) => {
          await tx.add([{ uuid: ID(10), content: 'new' }]);
          controller.abort();
        },
        { signal: controller.signal },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('ABORTED');
    expect(await ds.count()).toBe(5);
  });

  it('refuses use of a transaction object after its callback settled', async () => {
    let leaked: Parameters<Parameters<FrameDataset['transaction']>[0]>[0] | undefined;
    await ds.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.add([{ content: 'late' }])).rejects.toThrow(/transaction has ended/);
    expect(await ds.count()).toBe(5);
  });

  it('runs two transactions on separate connections at once; both commit when they touch different rows', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    const first = ds.transaction(async (tx) => {
      await tx.update([{ uuid: ID(0), patch: { title: 'first' } }]);
      await tx.add([{ uuid: ID(20), content: 'from first' }]);
      firstWrote();
      await gate;
    });
    await wrote;
    const second = ds.transaction(async (tx) => {
      // The first transaction is still open: its writes are invisible here.
      expect(await tx.count()).toBe(5);
      await tx.update([{ uuid: ID(1), patch: { title: 'second' } }]);
      await tx.add([{ uuid: ID(21), content: 'from second' }]);
    });
    await second;
    release();
    await first;
    const [zero, one] = await ds.get([ID(0), ID(1)]);
    expect(zero?.title).toBe('first');
    expect(one?.title).toBe('second');
    expect(await ds.count()).toBe(7);
  });

  it('fails the later of two transactions writing the same row with TX_CONFLICT, retryable, and keeps the first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstWrote!: () => void;
    const wrote = new Promise<void>((resolve) => {
      firstWrote = resolve;
    });
    const first = ds.transaction(async (tx) => {
      await tx.update([{ uuid: ID(0), patch: { title: 'first' } }]);
      firstWrote();
      await gate;
    });
    await wrote;
    const second = ds
      .transaction(async (tx) => {
        await tx.update([{ uuid: ID(0), patch: { title: 'second' } }]);
      })
      .catch((e: unknown) => e);
    const error = await second;
    release();
    await first;
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('TX_CONFLICT');
    expect((error as DatasetError).retryable).toBe(true);
    expect((await ds.get([ID(0)]))[0]?.title).toBe('first');
  });

  it('keeps the text index in step: a rolled-back add leaves no postings, a delete removes them', async () => {
    const countIndex = async () => {
      await ds.close();
      const raw = await DuckDBInstance.create(file);
      const connection = await raw.connect();
      const rows = (await connection.runAndReadAll('SELECT (SELECT count(*) FROM cf_postings), (SELECT count(*) FROM cf_doc_lengths)')).getRows();
      connection.closeSync();
      raw.closeSync();
      ds = await FrameDataset.open({ path: file });
      return rows[0]!.map(Number);
    };
    const start = await countIndex();
    expect(start).toEqual([10, 5]); // each record has two terms: 'content' and its digit
    await expect(
      ds.transaction(async (tx) => {
        await tx.add([{ uuid: ID(10), content: 'brand new words' }]);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect(await countIndex()).toEqual(start);
    await ds.delete([ID(0)]);
    expect(await countIndex()).toEqual([8, 4]);
  });
});
