// The JSON text DuckDB builds for stored records (FrameDataset.scanJson) against recordJson, and writeRecordJson.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameDataset, type FrameRecord } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRecordJson, writeRecords } from '../../src/index.js';
import { recordJson } from '../../src/json/record-json.js';
import { ID, TRICKY_FLOATS, expectIoError, readAll, record, tempDir, trickyRecords } from '../helpers.js';

const DIMENSIONS = TRICKY_FLOATS.length;

/** The tricky records with vectors of one dimension, plus what only the native path spells differently. */
function storedRecords(): FrameRecord[] {
  const tricky = trickyRecords().map((r) => (r.embedding === null ? r : { ...r, embedding: Float32Array.from({ length: DIMENSIONS }, (_, i) => r.embedding![i % r.embedding!.length]!) }));
  return [
    ...tricky,
    record(6, { metadata: { big: 1e21, tiny: 1.5e-7, huge: 1.7976931348623157e308, int: 12345678901234567000, neg: -0 }, title: 'ctrl \u0001\u001f\u007f \u2028\u2029' }),
    record(7, { created_at: '0999-03-04T05:06:07.089Z', updated_at: '+010000-01-01T00:00:00.000Z' }),
    record(8, { created_at: '-000001-06-01T12:00:00.500Z', updated_at: '0000-01-01T00:00:00.000Z' }),
    ...Array.from({ length: 30 }, (_, i) => record(100 + i, { embedding: Float32Array.from({ length: DIMENSIONS }, (_, k) => (i + 1) / (k + 3)) })),
  ];
}

let dir: ReturnType<typeof tempDir>;
let dataset: FrameDataset;
let stored: FrameRecord[];

async function all<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

/** A parsed record with its embedding as float32 values, which both spellings must give bit for bit. */
function normalized(text: string): Record<string, unknown> {
  const value = JSON.parse(text) as Record<string, unknown>;
  if (Array.isArray(value.embedding)) value.embedding = Array.from(Float32Array.from(value.embedding as number[]), (v) => (Object.is(v, -0) ? '-0' : v));
  return value;
}

beforeEach(async () => {
  dir = tempDir();
  dataset = await FrameDataset.open({ path: join(dir.path, 'd.duckdb') });
  await dataset.add(storedRecords(), { embeddingModel: 'test' });
  stored = await all(dataset.scan({ includeEmbedding: true }));
});

afterEach(async () => {
  await dataset.close();
  dir.remove();
});

describe('FrameDataset.scanJson', () => {
  it.each([false, true])('gives each stored record the JSON value recordJson writes, in the same order (embeddings: %s)', async (withEmbedding) => {
    const lines = await all(dataset.scanJson({ includeEmbedding: withEmbedding }));
    expect(lines).toHaveLength(stored.length);
    lines.forEach((line, i) => {
      expect(line).not.toContain('\n');
      expect(normalized(line)).toEqual(normalized(recordJson(stored[i]!, withEmbedding)));
    });
  });

  it('spells ordinary records exactly as recordJson does, byte for byte', async () => {
    const ordinary = stored.filter((r) => r.uuid >= ID(100));
    const lines = await all(dataset.scanJson({ ids: ordinary.map((r) => r.uuid) }));
    expect(lines).toEqual(ordinary.map((r) => recordJson(r, false)));
  });

  it('spells timestamps as toISOString does, years outside 0000-9999 included', async () => {
    const lines = await all(dataset.scanJson({ ids: [ID(7), ID(8)] }));
    expect(lines.map((line) => [JSON.parse(line).created_at, JSON.parse(line).updated_at])).toEqual([
      ['0999-03-04T05:06:07.089Z', '+010000-01-01T00:00:00.000Z'],
      ['-000001-06-01T12:00:00.500Z', '0000-01-01T00:00:00.000Z'],
    ]);
  });

  it('selects by ids and filter together, in uuid order, leaving unknown ids out', async () => {
    const ids = [ID(120), ID(101), '00000000-0000-4000-8000-999999999999', ID(3), ID(101)];
    const lines = await all(dataset.scanJson({ ids, filter: "collection != 'c1'" }));
    const expected = stored.filter((r) => ids.includes(r.uuid) && r.collection !== 'c1').map((r) => r.uuid);
    expect(expected.length).toBeGreaterThan(1);
    expect(lines.map((line) => JSON.parse(line).uuid)).toEqual(expected);
    expect((await all(dataset.scan({ ids, filter: "collection != 'c1'" }))).map((r) => r.uuid)).toEqual(expected);
    expect(await all(dataset.scanJson({ ids: [] }))).toEqual([]);
  });

  it('reads large selections in several sorted ranges with the same result', async () => {
    const whole = await all(dataset.scanJson({ includeEmbedding: true }));
    const ranged = await all(dataset.scanJson({ includeEmbedding: true, sortBytes: 1 }));
    expect(ranged).toEqual(whole);
  });
});

describe('writeRecordJson', () => {
  it.each(['json', 'jsonl'] as const)('names, splits and fills %s files as writeRecords does from the same records', async (format) => {
    const records = stored.filter((r) => r.uuid >= ID(100));
    const lines = records.map((r) => recordJson(r, false));
    const native = await writeRecordJson(format, [lines.slice(0, 7), lines.slice(7)], { outputPath: join(dir.path, 'a', `out.${format}`), chunkSize: 12, createDirectories: true });
    const js = await writeRecords(format, [records], { outputPath: join(dir.path, 'b', `out.${format}`), chunkSize: 12, createDirectories: true });
    expect(native.files.map((f) => [f.path.replace('/a/', '/b/'), f.documents, f.bytes])).toEqual(js.files.map((f) => [f.path, f.documents, f.bytes]));
    expect(native.files).toHaveLength(3);
    native.files.forEach((file, i) => {
      expect(readFileSync(file.path, 'utf8')).toBe(readFileSync(js.files[i]!.path, 'utf8'));
    });
  });

  it.each(['json', 'jsonl'] as const)('writes %s that reads back to the stored records, float32 vectors bit for bit', async (format) => {
    const lines = await all(dataset.scanJson({ includeEmbedding: true }));
    const written = await writeRecordJson(format, [lines], { outputPath: join(dir.path, `native.${format}`) });
    const items = await readAll(format, written.files[0]!.path);
    expect(items.every((item) => item.ok)).toBe(true);
    const back = items.map((item) => (item.ok ? item.record : null));
    back.forEach((r, i) => {
      const { embedding, ...rest } = r!;
      const { embedding: expectedVector, ...expected } = stored[i]!;
      expect(rest).toMatchObject(expected);
      if (expectedVector === null) expect(embedding ?? null).toBeNull();
      else expect(Array.from(embedding as Float32Array, (v) => (Object.is(v, -0) ? '-0' : v))).toEqual(Array.from(expectedVector, (v) => (Object.is(v, -0) ? '-0' : v)));
    });
  });

  it('writes an empty document list when there are no records, as writeRecords does', async () => {
    const written = await writeRecordJson('json', [], { outputPath: join(dir.path, 'empty.json') });
    expect(readFileSync(written.files[0]!.path, 'utf8')).toBe('{"documents":[]}\n');
  });

  it('refuses csv and parquet, writing nothing', async () => {
    await expectIoError(writeRecordJson('csv', [], { outputPath: join(dir.path, 'x.csv') }), 'UNSUPPORTED_FORMAT');
    expect(dir.files().filter((name) => !name.startsWith('d.duckdb'))).toEqual([]);
  });

  it('removes every file it wrote when cancelled midway', async () => {
    const controller = new AbortController();
    const lines = stored.map((r) => recordJson(r, false));
    async function* source(): AsyncGenerator<string[]> {
      yield lines.slice(0, 10);
      controller.abort();
      yield lines.slice(10);
    }
    await expectIoError(writeRecordJson('jsonl', source(), { outputPath: join(dir.path, 'out.jsonl'), chunkSize: 3, signal: controller.signal }), 'ABORTED');
    expect(dir.files().filter((name) => !name.startsWith('d.duckdb'))).toEqual([]);
  });
});
