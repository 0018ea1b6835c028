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

describe('existence inside a transaction', () => {
  const A = ID(101);
  const B = ID(102);
  const C = ID(103);
  const D = ID(104);
  const E = ID(105);

  async function failure(promise: Promise<unknown>): Promise<unknown> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    return error instanceof DatasetError ? { code: error.code, message: error.message, data: error.data } : error;
  }

  /** The same adds, deletes, upserts and updates, with every existence answer and error they give. */
  async function script(target: FrameDataset): Promise<unknown[]> {
    const answers: unknown[] = [];
    const ask = async (tx: Parameters<Parameters<FrameDataset['transaction']>[0]>[0], ids: string[]) => answers.push([...(await tx.existing(ids))].sort());
    await target.transaction(async (tx) => {
      await ask(tx, [A, B]);
      await tx.add([{ uuid: A, content: 'a' }, { uuid: B, content: 'b' }]);
      await ask(tx, [A, B, C, A.toUpperCase(), 'not-a-uuid']);
      answers.push(await failure(tx.add([{ uuid: C, content: 'c' }, { uuid: A, content: 'a again' }])));
      await ask(tx, [C]);
      await tx.delete([A]);
      await ask(tx, [A, B]);
      answers.push(await tx.add([{ uuid: A, content: 'a, added again after its delete' }]));
      answers.push(await tx.upsert([{ uuid: C, content: 'c' }, { uuid: B, content: 'b replaced' }]));
      answers.push(await tx.update([{ uuid: C, patch: { title: 't' } }]));
      await ask(tx, [A, B, C]);
      await tx.add([{ uuid: D, content: 'document' }, { uuid: E, content: 'its chunk', record_type: 'chunk', parent_id: D, chunk_index: 0 }]);
      await tx.delete([D]);
      await ask(tx, [D, E]);
      answers.push(await tx.add([{ uuid: E, content: 'e, back as a document' }]));
      answers.push(await failure(tx.add([{ uuid: E, content: 'e twice' }])));
    });
    answers.push((await target.get([A, B, C, D, E])).map((record) => [record.uuid, record.content, record.title]));
    return answers;
  }

  it('answers existence and duplicate adds the same whether the dataset started empty or held other records', async () => {
    const empty = await FrameDataset.open({ path: join(dir.path, 'empty.duckdb') });
    try {
      const fromEmpty = await script(empty);
      const fromFull = await script(ds); // ds holds 5 unrelated records
      expect(fromEmpty).toEqual(fromFull);
      expect(fromEmpty[0]).toEqual([]);
      expect(fromEmpty[1]).toEqual([A, B]);
      expect(fromEmpty[2]).toMatchObject({ code: 'DUPLICATE_ID', data: { uuid: A, index: 1 } });
      expect(fromEmpty[3]).toEqual([]); // the failed add wrote nothing
      expect(fromEmpty[4]).toEqual([B]);
      expect(fromEmpty[8]).toEqual([A, B, C]);
      expect(fromEmpty[9]).toEqual([]);
      expect(fromEmpty[11]).toMatchObject({ code: 'DUPLICATE_ID', data: { uuid: E, index: 0 } });
      expect(await empty.count()).toBe(4);
      expect(await ds.count()).toBe(9);
    } finally {
      await empty.close();
    }
  });

  it('lets only one of two transactions add the same uuid to an empty dataset', async () => {
    const empty = await FrameDataset.open({ path: join(dir.path, 'race.duckdb') });
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      let firstWrote!: () => void;
      const wrote = new Promise<void>((resolve) => {
        firstWrote = resolve;
      });
      const first = empty
        .transaction(async (tx) => {
          await tx.add([{ uuid: A, content: 'first' }]);
          firstWrote();
          await gate;
        })
        .then(
          () => null,
          (e: unknown) => e,
        );
      await wrote;
      const second = await empty.transaction((tx) => tx.add([{ uuid: A, content: 'second' }])).then(
        () => null,
        (e: unknown) => e,
      );
      release();
      const outcomes = [await first, second];
      expect(outcomes.filter((outcome) => outcome === null)).toHaveLength(1);
      const error = outcomes.find((outcome) => outcome !== null);
      expect(error).toBeInstanceOf(DatasetError);
      expect(['DUPLICATE_ID', 'TX_CONFLICT']).toContain((error as DatasetError).code);
      expect(await empty.count()).toBe(1);
    } finally {
      await empty.close();
    }
  });
});
