// setFloatListColumn against DuckDB itself: every list, null and empty ones included, reads back bit for bit.
import { DuckDBDataChunk, type DuckDBConnection, DuckDBInstance, FLOAT, INTEGER, LIST } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setFloatListColumn, setIntegerColumn } from '../../src/store/chunk-columns.js';
import { setFloatListColumn as exported } from '../../src/duckdb-vectors.js';

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

/** ±0, the smallest and largest subnormals, the smallest normal, ±max, 1/3 (rounded), and a NaN payload. */
const SPECIALS = new Float32Array(new Uint32Array([0x00000000, 0x80000000, 0x00000001, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3eaaaaab, 0x7fc00123]).buffer);

function bits(list: ArrayLike<number>): number[] {
  return Array.from(new Uint32Array(Float32Array.from(list).buffer));
}

/** Appends `lists` through setFloatListColumn and reads each row's floats back as their bits (null for NULL). */
async function roundTrip(lists: readonly (ArrayLike<number> | null)[]): Promise<(number[] | null)[]> {
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
    const read = await roundTrip(lists);
    expect(read).toEqual(lists.map((list) => (list === null ? null : bits(list))));
  });

  it('takes plain number arrays, rounding each to float32 once', async () => {
    const read = await roundTrip([[0.1, -0, 1e-46], null]);
    expect(read).toEqual([bits([Math.fround(0.1), -0, 0]), null]);
  });

  it('is exported through the duckdb-vectors entry', () => {
    expect(exported).toBe(setFloatListColumn);
  });
});
