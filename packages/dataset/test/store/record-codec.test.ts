// checkNewRecord: the store's own record checks, asked before a write instead of failing it.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkNewRecord, DatasetError, FrameDataset, type NewRecord } from '../../src/index.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;

beforeEach(async () => {
  dir = tempDir();
  ds = await FrameDataset.open({ path: join(dir.path, 'codec.duckdb') });
  await ds.add([{ uuid: ID(1), content: 'stored' }]);
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

async function addError(record: NewRecord): Promise<DatasetError> {
  const error = await ds.add([record]).then(
    () => {
      throw new Error('expected add to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DatasetError);
  return error as DatasetError;
}

let deep: Record<string, unknown> = { end: true };
for (let i = 0; i < 70; i++) deep = { deeper: deep };

describe('checkNewRecord', () => {
  it.each([
    [{ uuid: 'nope' }, 'uuid'],
    [{ content: 5 }, 'content'],
    [{ metadata: [] }, 'metadata'],
    [{ metadata: { score: Number.POSITIVE_INFINITY } }, 'metadata.score'],
    [{ metadata: deep }, expect.stringMatching(/^metadata(\.deeper)+$/)],
    [{ chunk_index: -1 }, 'chunk_index'],
    [{ chunk_index: 3_000_000_000 }, 'chunk_index'],
    [{ embedding: [1, Number.NaN] }, 'embedding'],
    [{ embedding: [] }, 'embedding'],
    [{ created_at: 'yesterday' }, 'created_at'],
    [{ updated_at: 'soon' }, 'updated_at'],
    [{ title: 3 }, 'title'],
    [{ tags: 'a,b' }, 'tags'],
    [{ record_type: '' }, 'record_type'],
    [{ parent_id: 'x' }, 'parent_id'],
  ])('reports %j exactly as add refuses it (field %s), and writes nothing', async (bad, field) => {
    const record = { content: 'c', ...(bad as object) } as NewRecord;
    const problem = checkNewRecord(record);
    expect(problem).toEqual({ field, message: expect.any(String) });
    const error = await addError(record);
    expect(error.code).toBe('INVALID_RECORD');
    expect(error.data).toEqual({ index: 0, field: problem!.field });
    expect(error.message).toBe(`Record 0: ${problem!.message}`);
    expect(problem!.message.startsWith(problem!.field)).toBe(true);
    expect(await ds.ids()).toEqual([ID(1)]);
  });

  it('accepts every record add accepts, defaults or full fields, and leaves the dataset as it was', async () => {
    const full: NewRecord = {
      uuid: ID(7).toUpperCase(),
      collection: 'c',
      title: 't',
      content: 'text',
      context: null,
      tags: ['a'],
      metadata: { nested: { list: [1, 'two', null, true] } },
      record_type: 'chunk',
      parent_id: ID(1),
      chunk_index: 0,
      source_type: 'file',
      source_uri: '/x',
      content_hash: 'given',
      embedding: [0.5, -1],
      created_at: '2020-01-02T03:04:05.678Z',
      updated_at: '2021-01-02T03:04:05.678Z',
    };
    expect(checkNewRecord({ content: '' })).toBeUndefined();
    expect(checkNewRecord(full)).toBeUndefined();
    expect(await ds.ids()).toEqual([ID(1)]);
    await ds.add([{ content: '' }, full]);
    expect(await ds.count()).toBe(3);
  });

  it('does not look for the uuid in the dataset: a taken uuid passes here and is add\'s own DUPLICATE_ID', async () => {
    expect(checkNewRecord({ uuid: ID(1), content: 'again' })).toBeUndefined();
    expect((await addError({ uuid: ID(1), content: 'again' })).code).toBe('DUPLICATE_ID');
    expect((await ds.get([ID(1)]))[0]!.content).toBe('stored');
  });

  it('reports a record that is not an object, as add does', async () => {
    expect(checkNewRecord(null as unknown as NewRecord)).toEqual({ field: 'record', message: 'record must be an object, got null' });
  });
});
