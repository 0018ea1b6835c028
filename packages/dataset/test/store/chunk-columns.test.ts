// The chunk column writers against DuckDB itself: every value written through them must read back exactly as
// the same value written through node-api's generic (one DuckDBValue per cell) path.
import { DuckDBDataChunk, type DuckDBConnection, DuckDBInstance, FLOAT, INTEGER, LIST, TIMESTAMP, VARCHAR, listValue, timestampValue } from '@duckdb/node-api';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFloatListColumn as exported } from '../../src/duckdb-vectors.js';
import { appendChunks } from '../../src/store/append-chunks.js';
import {
  readIntegerColumn,
  readSafeBigIntColumn,
  readVarcharColumn,
  readVarcharListColumn,
  setFloatListColumn,
  setIntegerColumn,
  setTimestampColumn,
  setVarcharColumn,
  setVarcharListColumn,
} from '../../src/store/chunk-columns.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

interface Row {
  s: string | null;
  i: number | null;
  ts: number;
  tags: string[];
}

/** Writes `rows` into a fresh table twice, through the writers and through node-api's values; returns both reads. */
async function roundTrip(rows: readonly Row[]): Promise<{ ours: unknown[][]; reference: unknown[][] }> {
  await connection.run('CREATE OR REPLACE TABLE ours (k INTEGER, s VARCHAR, i INTEGER, ts TIMESTAMP, tags VARCHAR[])');
  await connection.run('CREATE OR REPLACE TABLE reference (k INTEGER, s VARCHAR, i INTEGER, ts TIMESTAMP, tags VARCHAR[])');
  const types = [INTEGER, VARCHAR, INTEGER, TIMESTAMP, LIST(VARCHAR)];
  await appendChunks(connection, 'ours', rows.length, (start, end) => {
    const chunk = DuckDBDataChunk.create(types, end - start);
    setIntegerColumn(chunk, 0, end - start, (r) => start + r);
    setVarcharColumn(chunk, 1, end - start, (r) => rows[start + r]!.s);
    setIntegerColumn(chunk, 2, end - start, (r) => rows[start + r]!.i);
    setTimestampColumn(chunk, 3, end - start, (r) => rows[start + r]!.ts);
    setVarcharListColumn(chunk, 4, end - start, (r) => rows[start + r]!.tags);
    return chunk;
  });
  await appendChunks(connection, 'reference', rows.length, (start, end) => {
    const slice = rows.slice(start, end);
    const chunk = DuckDBDataChunk.create(types, slice.length);
    chunk.setColumnValues(0, slice.map((_, r) => start + r));
    chunk.setColumnValues(1, slice.map((row) => row.s));
    chunk.setColumnValues(2, slice.map((row) => row.i));
    chunk.setColumnValues(3, slice.map((row) => timestampValue(BigInt(row.ts) * 1000n)));
    chunk.setColumnValues(4, slice.map((row) => listValue(row.tags)));
    return chunk;
  });
  const read = async (table: string) => (await connection.runAndReadAll(`SELECT s, i, epoch_us(ts), tags FROM ${table} ORDER BY k`)).getRowsJS();
  return { ours: await read('ours'), reference: await read('reference') };
}

const row = (s: string | null, extra: Partial<Row> = {}): Row => ({ s, i: 7, ts: 0, tags: [], ...extra });

describe('chunk column writers', () => {
  it('write strings on both sides of the 12-byte inline limit, in any script, exactly as node-api does', async () => {
    const strings = [
      '', 'a', 'twelve bytes', 'thirteen byte', 'héllo wörld!', 'héllo wörld!!', '日本語日本', '日本語日本語', '🙂🙂🙂', '🙂🙂🙂🙂',
      'nul \0 inside', 'a\0', '\ud800 lone', 'x\udfff', 'tab\tand\nnewline', 'x'.repeat(10_000),
    ];
    const { ours, reference } = await roundTrip(strings.map((s) => row(s)));
    expect(ours).toEqual(reference);
    // The node-api path is itself checked: every well-formed string reads back unchanged.
    expect(ours.map((r) => r[0])).toEqual(strings.map((s) => s.replace(/[\ud800-\udfff]/gu, (c) => (c.length === 1 ? '\ufffd' : c))));
  });

  it('keep nulls as nulls, also between repeated long values, and repeated long values as themselves', async () => {
    const id = '00000000-0000-4000-8000-000000000001';
    const other = '00000000-0000-4000-8000-000000000002';
    const values = [id, id, id, null, id, id, other, other, 'short', 'short', id, null, null, other];
    const { ours, reference } = await roundTrip(values.map((s, k) => row(s, { i: k % 3 === 0 ? null : k })));
    expect(ours).toEqual(reference);
    expect(ours.map((r) => r[0])).toEqual(values);
    expect(ours.map((r) => r[1])).toEqual(values.map((_, k) => (k % 3 === 0 ? null : k)));
  });

  it('write timestamps before 1970, after 2255 and at the limits of the safe-integer split, to the microsecond', async () => {
    const times = [0, 1, -1, -86_400_000, Date.UTC(1900, 0, 1), Date.UTC(2255, 5, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), 8_640_000_000_000, -8_639_999_999_999];
    const { ours, reference } = await roundTrip(times.map((ts) => row('t', { ts })));
    expect(ours).toEqual(reference);
    expect(ours.map((r) => r[2])).toEqual(times.map((ts) => BigInt(ts) * 1000n));
  });

  it('write lists of any length, empty ones and long items included, across chunk boundaries', async () => {
    const rows = Array.from({ length: 5000 }, (_, k) => row(`r${k}`, { tags: Array.from({ length: k % 7 }, (_, t) => (t % 2 === 0 ? `t${t}` : `a long tag number ${t} of row ${k}`)) }));
    const { ours, reference } = await roundTrip(rows);
    expect(ours).toEqual(reference);
    expect(ours[4999]![3]).toEqual(rows[4999]!.tags);
  });

  it('agree with node-api on random rows, more than one data chunk of them', async () => {
    const text = fc.option(fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('00000000-0000-4000-8000-000000000009')), { nil: null });
    const arbitraryRow = fc.record({
      s: text,
      i: fc.option(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), { nil: null }),
      ts: fc.integer({ min: -8_639_999_999_999, max: 8_640_000_000_000 }),
      tags: fc.array(fc.string({ unit: 'binary', maxLength: 16 }), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 2500 }), async (rows) => {
        const { ours, reference } = await roundTrip(rows);
        expect(ours).toEqual(reference);
        expect(ours).toHaveLength(rows.length);
      }),
      { numRuns: 15 },
    );
  });
});

describe('chunk column readers', () => {
  /** Writes the rows with the writers, then reads every chunk of `SELECT ... ORDER BY k` back with the readers. */
  async function readBack(rows: readonly Row[]): Promise<{ s: (string | null)[]; i: (number | null)[]; ms: number[]; tags: (string[] | null)[] }> {
    await roundTrip(rows);
    const result = await connection.stream('SELECT s, i, epoch_ms(ts), tags FROM ours ORDER BY k');
    const out = { s: [] as (string | null)[], i: [] as (number | null)[], ms: [] as number[], tags: [] as (string[] | null)[] };
    for (let chunk = await result.fetchChunk(); chunk !== null && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      out.s.push(...readVarcharColumn(chunk, 0, chunk.rowCount));
      out.i.push(...readIntegerColumn(chunk, 1, chunk.rowCount));
      out.ms.push(...readSafeBigIntColumn(chunk, 2, chunk.rowCount));
      out.tags.push(...readVarcharListColumn(chunk, 3, chunk.rowCount));
    }
    return out;
  }

  it('read back exactly what was written: short, long, repeated, non-ASCII and null strings, in runs past 64 KiB', async () => {
    const strings = Array.from({ length: 3000 }, (_, k) =>
      k % 11 === 0 ? null : k % 7 === 0 ? `ünïcödé ${k} ${'é'.repeat(k % 40)}` : k % 5 === 0 ? 'document' : `ascii text number ${k} ${'x'.repeat(k % 90)}`,
    );
    strings[100] = 'y'.repeat(70_000); // longer than one copied run
    strings[101] = 'z'.repeat(20);
    const rows = strings.map((s, k) => row(s, { i: k % 3 === 0 ? null : k - 1500, ts: (k - 1000) * 86_400_123, tags: k % 4 === 0 ? [] : [`t${k}`, `a longer tag ${k}`] }));
    const read = await readBack(rows);
    expect(read.s).toEqual(strings);
    expect(read.i).toEqual(rows.map((r) => r.i));
    expect(read.ms).toEqual(rows.map((r) => r.ts));
    expect(read.tags).toEqual(rows.map((r) => r.tags));
  });

  it('read back random rows exactly', async () => {
    const arbitraryRow = fc.record({
      s: fc.option(fc.string({ unit: 'grapheme', maxLength: 60 }), { nil: null }),
      i: fc.option(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), { nil: null }),
      ts: fc.integer({ min: -8_639_999_999_999, max: 8_640_000_000_000 }),
      tags: fc.array(fc.string({ unit: 'grapheme', maxLength: 20 }), { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(arbitraryRow, { minLength: 1, maxLength: 2500 }), async (rows) => {
        const read = await readBack(rows);
        expect(read.s).toEqual(rows.map((r) => r.s));
        expect(read.i).toEqual(rows.map((r) => r.i));
        expect(read.ms).toEqual(rows.map((r) => r.ts));
        expect(read.tags).toEqual(rows.map((r) => r.tags));
      }),
      { numRuns: 15 },
    );
  });
});

/** ±0, the smallest and largest subnormals, the smallest normal, ±max, 1/3 (rounded), and a NaN payload. */
const SPECIALS = new Float32Array(new Uint32Array([0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3eaaaaab, 0x7fc00123]).buffer);

function bits(list: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(list).buffer));
}

/** Appends `lists` through setFloatListColumn and reads each row's floats back as their bits (null for NULL). */
async function floatListRoundTrip(lists: readonly (ArrayLike<number> | null)[]): Promise<(number[] | null)[]> {
  await connection.run('CREATE OR REPLACE TABLE t (k INTEGER, v FLOAT[])');
  const appender = await connection.createAppender('t');
  const chunk = DuckDBDataChunk.create([INTEGER, LIST(FLOAT)], 2048);
  for (let start = 0; start < lists.length; start += 2048) {
    const count = Math.min(2048, lists.length - start);
    chunk.reset();
    chunk.rowCount = count;
    setIntegerColumn(chunk, 0, count, (row) => start + row);
    setFloatListColumn(chunk, 1, count, (row) => lists[start + row]!);
    appender.appendDataChunk(chunk);
  }
  appender.closeSync();
  // node-api reads each FLOAT as a double, which is exact, so the float32 bits come back as they were stored.
  const reader = await connection.runAndReadAll('SELECT v FROM t ORDER BY k');
  return reader.getRows().map(([value]) => (value === null ? null : bits((value as { items: number[] }).items)));
}

describe('setFloatListColumn', () => {
  it('writes floats bit for bit, with null and empty lists, across whole chunks', async () => {
    const lists = Array.from({ length: 5000 }, (_, i) => (i % 5 === 0 ? null : i % 7 === 0 ? new Float32Array(0) : SPECIALS.subarray(i % SPECIALS.length)));
    const read = await floatListRoundTrip(lists);
    expect(read).toEqual(lists.map((list) => (list === null ? null : bits(list))));
  });

  it('takes plain number arrays, rounding each to float32 once', async () => {
    const read = await floatListRoundTrip([[0.1, -0, 1e-46], null]);
    expect(read).toEqual([bits([Math.fround(0.1), -0, 0]), null]);
  });

  it('is exported through the duckdb-vectors entry', () => {
    expect(exported).toBe(setFloatListColumn);
  });
});
