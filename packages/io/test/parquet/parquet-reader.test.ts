// The Parquet reader on files DuckDB writes with every kind of column, and on files that are not Parquet.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReader, readerFor, type SourceFields } from '../../src/index.js';
import { expectIoError, readAll, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

async function parquet(select: string): Promise<string> {
  const path = join(dir.path, 'in.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return path;
}

describe('parquet reader', () => {
  it('reads each kind of column as the JSON value it holds, timestamps as ISO UTC, FLOAT lists as Float32Array', async () => {
    const path = await parquet(`
      SELECT 'hello ' || i AS content, i AS n_int, i::BIGINT * 1000000 AS n_big, i / 4 AS n_double, 1.25::DECIMAL(5,2) AS n_dec,
             i % 2 = 0 AS flag, [i, i + 1] AS ints, ['a', 'b'] AS words, {'k': i, 's': 'v'} AS obj, MAP {'x': 1} AS m,
             TIMESTAMP '2024-05-01 10:00:00.123' + INTERVAL (i) SECOND AS created_at,
             TIMESTAMPTZ '2024-05-01 10:00:00+02' AS updated_at, DATE '2024-02-29' AS day,
             '00000000-0000-4000-8000-000000000001'::UUID AS ident, '{"a":[1]}'::JSON AS doc,
             [0.5, -2.5, 1e-45]::FLOAT[] AS embedding, [1.5, 2]::FLOAT[2] AS fixed, CASE WHEN i = 1 THEN NULL ELSE 'x' END AS maybe,
             NULL::FLOAT[] AS none
      FROM range(3) t(i)`);
    const reader = await openReader('parquet', path);
    expect(reader.columns).toContain('embedding');
    const items = [];
    for await (const item of reader) items.push(item);
    expect(items).toHaveLength(3);
    const first = items[0]!;
    expect(first.ok).toBe(true);
    if (!first.ok) return;
    const { embedding, metadata, ...rest } = first.record;
    expect(rest).toEqual({ content: 'hello 0', created_at: '2024-05-01T10:00:00.123Z', updated_at: '2024-05-01T08:00:00.000Z' });
    expect(embedding).toBeInstanceOf(Float32Array);
    expect(Array.from(embedding as Float32Array)).toEqual([0.5, -2.5, Math.fround(1e-45)]);
    expect(metadata).toEqual({
      n_int: 0,
      n_big: 0,
      n_double: 0,
      n_dec: 1.25,
      flag: true,
      ints: [0, 1],
      words: ['a', 'b'],
      obj: { k: 0, s: 'v' },
      m: { x: 1 },
      day: '2024-02-29',
      ident: '00000000-0000-4000-8000-000000000001',
      doc: { a: [1] },
      fixed: [1.5, 2],
      maybe: 'x',
      none: null,
    });
    expect(items[1]!.ok && items[1]!.record.metadata).toMatchObject({ maybe: null, n_double: 0.25, flag: false, n_big: 1000000 });
  });

  it('reads strings of every length, repeated and not, ASCII or not, across many chunks', async () => {
    const path = await parquet(`
      SELECT CASE WHEN i % 3 = 0 THEN 'short' WHEN i % 3 = 1 THEN repeat('é', i % 40) ELSE 'long ASCII text ' || i END AS content,
             CASE WHEN i % 7 = 0 THEN NULL ELSE 'c' || (i % 4) END AS collection
      FROM range(5000) t(i)`);
    const items = await readAll('parquet', path);
    expect(items).toHaveLength(5000);
    items.forEach((item, i) => {
      const content = i % 3 === 0 ? 'short' : i % 3 === 1 ? 'é'.repeat(i % 40) : `long ASCII text ${i}`;
      expect(item).toEqual({ ok: true, row: i + 1, record: { content, collection: i % 7 === 0 ? null : `c${i % 4}` } });
    });
  });

  it('reads string lists with empty lists, null lists and null items, and timestamps far from 1970, across many chunks', async () => {
    const path = await parquet(`
      SELECT 'row ' || i AS content,
             CASE WHEN i % 5 = 0 THEN NULL WHEN i % 5 = 1 THEN []::VARCHAR[] WHEN i % 5 = 2 THEN ['a', NULL, 'long tag text ' || i]
                  ELSE ['t' || i, 'é' || i] END AS labels,
             CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN TIMESTAMP '0999-03-04 05:06:07.089' WHEN i % 4 = 2 THEN TIMESTAMP '1969-12-31 23:59:59.999'
                  ELSE TIMESTAMP '2024-05-01 10:00:00' + INTERVAL (i) MILLISECOND END AS seen,
             TIMESTAMP '294000-01-01 00:00:00' AS far
      FROM range(5000) t(i)`);
    const items = await readAll('parquet', path);
    expect(items).toHaveLength(5000);
    items.forEach((item, i) => {
      const labels = i % 5 === 0 ? null : i % 5 === 1 ? [] : i % 5 === 2 ? ['a', null, `long tag text ${i}`] : [`t${i}`, `é${i}`];
      const seen =
        i % 4 === 0 ? null : i % 4 === 1 ? '0999-03-04T05:06:07.089Z' : i % 4 === 2 ? '1969-12-31T23:59:59.999Z' : new Date(Date.UTC(2024, 4, 1, 10) + i).toISOString();
      // Beyond the range of JS dates (294000-01-01 is 9,215,576,668,800,000 ms after 1970), epoch milliseconds.
      expect(item).toEqual({ ok: true, row: i + 1, record: { content: `row ${i}`, metadata: { labels, seen, far: 9_215_576_668_800_000 } } });
    });
  });

  it('gives a column named __proto__ as an own field, without touching the row object\'s prototype', async () => {
    const path = await parquet(`SELECT 'row ' || i AS content, 'x' || i AS "__proto__" FROM range(3) t(i)`);
    const reader = await readerFor('parquet').open(path, {});
    const rows: SourceFields[] = [];
    for await (const items of reader) for (const item of items) if ('fields' in item) rows.push(item.fields);
    expect(rows).toHaveLength(3);
    rows.forEach((fields, i) => {
      expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(fields, '__proto__')?.value).toBe(`x${i}`);
      expect(fields.content).toBe(`row ${i}`);
    });
  });

  it('throws PARSE_ERROR for a file that is not Parquet, an empty file included', async () => {
    const text = join(dir.path, 'text.parquet');
    writeFileSync(text, 'this is not parquet at all');
    expect((await expectIoError(openReader('parquet', text), 'PARSE_ERROR')).message).toMatch(/is not a readable Parquet file/);
    const empty = join(dir.path, 'empty.parquet');
    writeFileSync(empty, '');
    await expectIoError(openReader('parquet', empty), 'PARSE_ERROR');
  });

  it('throws PARSE_ERROR for a truncated Parquet file', async () => {
    const path = await parquet(`SELECT 'row ' || i AS content FROM range(100000) t(i)`);
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.length >> 1));
    await expectIoError(readAll('parquet', path), 'PARSE_ERROR');
  });

  it('stops early and closes cleanly', async () => {
    const path = await parquet(`SELECT 'row ' || i AS content FROM range(20000) t(i)`);
    const reader = await openReader('parquet', path);
    let seen = 0;
    for await (const item of reader) {
      seen = item.row;
      if (seen === 10) break;
    }
    await reader.close();
    expect(seen).toBe(10);
  });
});
