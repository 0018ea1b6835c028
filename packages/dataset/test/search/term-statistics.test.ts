import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrameDataset, tokenize } from '../../src/index.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;

beforeEach(async () => {
  dir = tempDir();
  ds = await FrameDataset.open({ path: join(dir.path, 'terms.duckdb') });
  await ds.add([
    { uuid: ID(1), content: 'DuckDB stores the vectors', title: 'Storage' },
    { uuid: ID(2), content: 'Vectors and more vectors', tags: ['duckdb'] },
    { uuid: ID(3), content: 'Nothing relevant here', context: 'about storage' },
    { uuid: ID(4), content: '' },
  ]);
});

afterEach(async () => {
  await ds.close();
  dir.remove();
});

/** Document frequency as counted from the records themselves, over the same text the index sees. */
async function expectedFrequency(term: string): Promise<number> {
  const records = await ds.query({ limit: 100 });
  return records.filter((r) => tokenize([r.title ?? '', r.context ?? '', r.content, r.tags.join(' ')].join('\n')).includes(term)).length;
}

describe('termStatistics', () => {
  it('counts every indexed record (an empty one too) and, per term, the records whose title, context, content or tags hold it', async () => {
    const stats = await ds.termStatistics(['vectors', 'duckdb', 'storage', 'here']);
    expect(stats.documents).toBe(4);
    expect(stats.documentFrequency).toEqual(
      new Map([
        ['vectors', await expectedFrequency('vectors')],
        ['duckdb', await expectedFrequency('duckdb')],
        ['storage', await expectedFrequency('storage')],
        ['here', await expectedFrequency('here')],
      ]),
    );
    // Counted once per record however often it occurs there.
    expect(stats.documentFrequency.get('vectors')).toBe(2);
    expect(stats.documentFrequency.get('storage')).toBe(2);
  });

  it('reports 0 for terms no record holds, keeps each asked term once, and matches terms exactly as given', async () => {
    const stats = await ds.termStatistics(['zebracorn', 'vectors', 'vectors', 'Vectors', "x' OR 1=1 --"]);
    expect([...stats.documentFrequency.keys()]).toEqual(['zebracorn', 'vectors', 'Vectors', "x' OR 1=1 --"]);
    expect(stats.documentFrequency.get('zebracorn')).toBe(0);
    expect(stats.documentFrequency.get('vectors')).toBe(2);
    // The index holds lower-case tokens; callers pass terms as tokenize() yields them.
    expect(stats.documentFrequency.get('Vectors')).toBe(0);
    expect(stats.documentFrequency.get("x' OR 1=1 --")).toBe(0);
  });

  it('returns just the record count for no terms, and 0 records for an empty dataset', async () => {
    expect(await ds.termStatistics([])).toEqual({ documents: 4, documentFrequency: new Map() });
    await ds.delete([ID(1), ID(2), ID(3), ID(4)]);
    expect(await ds.termStatistics(['vectors'])).toEqual({ documents: 0, documentFrequency: new Map([['vectors', 0]]) });
  });

  it('follows updates and deletes, and sees a transaction\'s own uncommitted writes inside it', async () => {
    await ds.update([{ uuid: ID(3), patch: { content: 'now about vectors' } }]);
    expect((await ds.termStatistics(['vectors'])).documentFrequency.get('vectors')).toBe(3);
    await ds.delete([ID(2)]);
    expect(await ds.termStatistics(['vectors'])).toEqual({ documents: 3, documentFrequency: new Map([['vectors', 2]]) });
    await ds
      .transaction(async (tx) => {
        await tx.add([{ uuid: ID(5), content: 'vectors again' }]);
        expect(await tx.termStatistics(['vectors'])).toEqual({ documents: 4, documentFrequency: new Map([['vectors', 3]]) });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    // The rolled-back record is not counted.
    expect(await ds.termStatistics(['vectors'])).toEqual({ documents: 3, documentFrequency: new Map([['vectors', 2]]) });
  });
});
