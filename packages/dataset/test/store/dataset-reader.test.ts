import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameDataset, type FrameRecord } from '../../src/index.js';
import { tempDir } from '../temp-dir.js';

const ROWS = 5000; // more than the 4,096 a scan sorts in one query without measuring them
let dir: ReturnType<typeof tempDir>;
let ds: FrameDataset;
let allIds: string[];

beforeAll(async () => {
  dir = tempDir();
  ds = await FrameDataset.open({ path: join(dir.path, 'scan.duckdb') });
  // Random uuids, so every uuid range spans the whole table as stored.
  await ds.add(Array.from({ length: ROWS }, (_, i) => ({ content: `record ${i} ${'words '.repeat(i % 50)}`, metadata: { n: i, bucket: i % 100 } })));
  allIds = await ds.ids();
});

afterAll(async () => {
  await ds.close();
  dir.remove();
});

async function collect(batches: AsyncIterable<FrameRecord[]>): Promise<FrameRecord[][]> {
  const out: FrameRecord[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

describe('scan of a selection larger than one sort', () => {
  it('reads it in uuid ranges and still yields every record once, in uuid order, in full batches', async () => {
    const whole = await collect(ds.scan({ batchSize: 700 }));
    const ranged = await collect(ds.scan({ batchSize: 700, sortBytes: 64 * 1024 }));
    expect(ranged.map((batch) => batch.length)).toEqual([...Array.from({ length: 7 }, () => 700), 100]);
    expect(ranged.flat().map((record) => record.uuid)).toEqual(allIds);
    expect(ranged).toEqual(whole);
  });

  it('keeps the filter in every range', async () => {
    const records = (await collect(ds.scan({ filter: 'bucket < 30', sortBytes: 32 * 1024 }))).flat();
    expect(records).toHaveLength(1500);
    expect(records.every((record) => (record.metadata.bucket as number) < 30)).toBe(true);
    expect(records.map((record) => record.uuid)).toEqual(await ds.ids('bucket < 30'));
  });

  it('sees one state of the dataset: writes committed while it reads are not in it', async () => {
    const before = new Set(allIds);
    const seen: string[] = [];
    let added: string[] = [];
    let deleted = '';
    for await (const batch of ds.scan({ batchSize: 500, sortBytes: 64 * 1024 })) {
      if (seen.length === 0) {
        // Between the first batch and the rest: a record from a later range goes, two new ones come.
        deleted = allIds[ROWS - 1]!;
        await ds.delete([deleted]);
        added = await ds.add([{ content: 'late one' }, { content: 'late two' }]);
      }
      seen.push(...batch.map((record) => record.uuid));
    }
    expect(seen).toEqual(allIds);
    expect(added.some((id) => seen.includes(id))).toBe(false);
    // The writes did commit: a new scan sees them.
    const after = (await collect(ds.scan({ sortBytes: 64 * 1024 }))).flat().map((record) => record.uuid);
    expect(after).toHaveLength(ROWS + 1);
    expect(after).not.toContain(deleted);
    expect(after.filter((id) => !before.has(id)).sort()).toEqual([...added].sort());
    await ds.delete(added);
    await ds.add([{ uuid: deleted, content: 'record restored' }]);
    allIds = await ds.ids();
  });

  it('ends its reading transaction when the caller stops early, leaving the connection usable', async () => {
    const records = await ds.read(async (reader) => {
      for await (const batch of reader.scan({ batchSize: 10, sortBytes: 64 * 1024 })) return batch;
      return [];
    });
    expect(records.map((record) => record.uuid)).toEqual(allIds.slice(0, 10));
    // The pooled connection is reused by these: they would fail inside a transaction left open.
    expect(await ds.read((reader) => reader.count())).toBe(ROWS);
    await ds.transaction(async (tx) => {
      expect(await tx.count()).toBe(ROWS);
    });
  });

  it('yields every field exactly as a query reads it: unicode, nulls, tags, metadata, chunks, timestamps and vectors', async () => {
    const other = await FrameDataset.open({ path: join(dir.path, 'fields.duckdb') });
    try {
      const parent = '00000000-0000-4000-8000-000000000001';
      await other.add(
        Array.from({ length: 3000 }, (_, i) => ({
          content: i % 9 === 0 ? `ünïcödé 🙂 ${i} ${'ß'.repeat(i % 30)}` : `plain content ${i} ${'w'.repeat(i % 200)}`,
          title: i % 4 === 0 ? null : `title ${i}`,
          context: i % 5 === 0 ? `context ${'c'.repeat(i % 20)}` : null,
          collection: i % 3 === 0 ? null : `c${i % 3}`,
          tags: i % 2 === 0 ? [] : [`t${i % 7}`, `a longer tag ${i}`],
          metadata: { n: i, nested: { list: [i, 'x', null, true], deep: { v: i / 3 } } },
          ...(i % 10 === 1 ? { record_type: 'chunk', parent_id: parent, chunk_index: i } : {}),
          source_uri: i % 6 === 0 ? `https://example.com/${i}` : null,
          created_at: new Date(Date.UTC(1950 + (i % 100), i % 12, 1 + (i % 28), 0, 0, 0, i % 1000)).toISOString(),
          embedding: i % 8 === 0 ? null : Float32Array.from([i, -0, 1e-45, -(i / 7)]),
        })),
      );
      const scanned = (await collect(other.scan({ includeEmbedding: true, sortBytes: 50_000 }))).flat();
      const queried = await other.query({ includeEmbedding: true, limit: 10_000 });
      expect(scanned).toHaveLength(3000);
      expect(scanned).toEqual(queried);
      // Bit-exact vectors: -0 stays -0 and the smallest subnormal survives.
      const vector = scanned.find((record) => record.embedding !== null)!.embedding!;
      expect(Object.is(vector[1], -0)).toBe(true);
      expect(vector[2]).toBe(Math.fround(1e-45));
    } finally {
      await other.close();
    }
  });

  it('rejects a sortBytes that is not a whole number above 0', async () => {
    await expect(collect(ds.scan({ sortBytes: 0 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(collect(ds.scan({ sortBytes: 1.5 }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
