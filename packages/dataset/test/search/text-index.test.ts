import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FrameDataset } from '../../src/index.js';
import { tempDir } from '../temp-dir.js';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const WORDS = ['duck', 'database', 'search', 'index', 'ranking', 'vector', 'term', 'query'];

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

async function withRaw<T>(file: string, fn: (connection: Awaited<ReturnType<DuckDBInstance['connect']>>) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(file);
  const connection = await instance.connect();
  try {
    return await fn(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The constraint kinds each table of the text index and the records table has. */
function constraints(file: string): Promise<Record<string, string[]>> {
  return withRaw(file, async (connection) => {
    const rows = (
      await connection.runAndReadAll(
        `SELECT table_name, constraint_type FROM duckdb_constraints() WHERE table_name IN ('cf_documents', 'cf_postings', 'cf_doc_lengths') AND constraint_type <> 'NOT NULL' ORDER BY ALL`,
      )
    ).getRows();
    const out: Record<string, string[]> = { cf_documents: [], cf_postings: [], cf_doc_lengths: [] };
    for (const [table, type] of rows) out[table as string]!.push(type as string);
    return out;
  });
}

/** Adds, replaces and deletes records, then returns what three text searches rank (uuid and score). */
async function exercise(ds: FrameDataset): Promise<{ uuid: string; score: number }[][]> {
  await ds.add(Array.from({ length: 40 }, (_, i) => ({ uuid: ID(i), title: WORDS[i % 8]!, content: `${WORDS[(i * 3) % 8]} ${WORDS[(i * 5) % 8]} ${WORDS[i % 8]} number ${i}` })));
  await ds.upsert([{ uuid: ID(3), content: 'duck duck duck' }]);
  await ds.update([{ uuid: ID(4), patch: { content: 'ranking ranking' } }]);
  await ds.delete([ID(5), ID(6)]);
  const results = await Promise.all(['duck', 'ranking query', 'number 7'].map((text) => ds.search({ type: 'text', text, limit: 50 })));
  return results.map((hits) => hits.map((hit) => ({ uuid: hit.uuid, score: hit.score })));
}

describe('text index tables', () => {
  it('are created without a key on the lengths table: cf_documents alone keeps uuids unique', async () => {
    const file = join(dir.path, 'new.duckdb');
    await (await FrameDataset.open({ path: file })).close();
    expect(await constraints(file)).toEqual({ cf_documents: ['PRIMARY KEY'], cf_postings: [], cf_doc_lengths: [] });
  });

  it('still serve a file whose lengths table has a primary key (as earlier releases wrote it), ranking exactly as a new file', async () => {
    const oldFile = join(dir.path, 'old.duckdb');
    await (await FrameDataset.open({ path: oldFile })).close();
    await withRaw(oldFile, async (connection) => {
      await connection.run('DROP TABLE cf_doc_lengths');
      await connection.run('CREATE TABLE cf_doc_lengths (uuid VARCHAR PRIMARY KEY, length INTEGER NOT NULL)');
    });
    const old = await FrameDataset.open({ path: oldFile });
    const fresh = await FrameDataset.open({ path: join(dir.path, 'fresh.duckdb') });
    try {
      const [oldHits, freshHits] = [await exercise(old), await exercise(fresh)];
      expect(oldHits).toEqual(freshHits);
      expect(oldHits[0]!.map((hit) => hit.uuid)).toContain(ID(3));
      expect(oldHits.every((hits) => hits.length > 0)).toBe(true);
      expect(oldHits.flat().map((hit) => hit.uuid)).not.toContain(ID(5));
      // The old file's key is left as it was, and the index holds one length per record.
      await expect(old.add([{ uuid: ID(3), content: 'duplicate' }])).rejects.toMatchObject({ code: 'DUPLICATE_ID' });
      expect(await old.count()).toBe(38);
    } finally {
      await old.close();
      await fresh.close();
    }
    expect((await constraints(oldFile)).cf_doc_lengths).toEqual(['PRIMARY KEY']);
    expect(await withRaw(oldFile, async (c) => (await c.runAndReadAll('SELECT count(*), count(DISTINCT uuid) FROM cf_doc_lengths')).getRows()[0]!.map(Number))).toEqual([38, 38]);
  });
});
