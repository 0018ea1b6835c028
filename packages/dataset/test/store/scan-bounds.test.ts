import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrameDataset } from '../../src/index.js';
import { SCAN_SAMPLE_ROWS, scanBounds } from '../../src/store/scan-bounds.js';
import { tempDir } from '../temp-dir.js';

const ROWS = 6000;
let dir: ReturnType<typeof tempDir>;
let instance: DuckDBInstance;
let connection: DuckDBConnection;
let ids: string[];

beforeAll(async () => {
  dir = tempDir();
  const file = join(dir.path, 'bounds.duckdb');
  const ds = await FrameDataset.open({ path: file });
  // Random uuids; every record about the same size (content of 1,000 characters).
  // 64-dimension vectors add 256 bytes to a record when they are read.
  await ds.add(
    Array.from({ length: ROWS }, (_, i) => ({
      content: `${String(i).padStart(6, '0')} ${'x'.repeat(993)}`,
      metadata: { n: i },
      embedding: Float32Array.from({ length: 64 }, (_, d) => (d === i % 64 ? 1 : 0)),
    })),
  );
  ids = await ds.ids();
  await ds.close();
  instance = await DuckDBInstance.create(file);
  connection = await instance.connect();
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
  dir.remove();
});

/** How many of the ids fall in each range the bounds make. */
function rangeSizes(bounds: readonly string[], all: readonly string[]): number[] {
  const sizes = new Array<number>(bounds.length + 1).fill(0);
  for (const id of all) sizes[bounds.filter((bound) => id >= bound).length]! += 1;
  return sizes;
}

describe('scanBounds', () => {
  it('splits a selection into ascending uuid ranges of about the asked size', async () => {
    // ~1,300 bytes a record, 6,000 records: about 7.8 MB, so 1 MB ranges make 8 of them.
    const bounds = await scanBounds(connection, () => 'true', false, 1_000_000);
    expect(bounds).toHaveLength(7);
    expect([...bounds].sort()).toEqual(bounds);
    expect(new Set(bounds).size).toBe(bounds.length);
    const sizes = rangeSizes(bounds, ids);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ROWS);
    // A sample of 4,096 of 6,000 places the bounds within a few percent of the exact eighths.
    for (const size of sizes) expect(Math.abs(size - ROWS / 8)).toBeLessThan(ROWS / 8 / 4);
  });

  it('counts the vectors when they are read too', async () => {
    // ~1,560 bytes a record with its vector: about 9.4 MB, so 1 MB ranges make 10.
    const bounds = await scanBounds(connection, () => 'true', true, 1_000_000);
    expect(bounds).toHaveLength(9);
    expect(rangeSizes(bounds, ids).reduce((a, b) => a + b, 0)).toBe(ROWS);
  });

  it('needs no ranges when the selection fits one sort or holds at most SCAN_SAMPLE_ROWS records', async () => {
    expect(await scanBounds(connection, () => 'true', false, 100_000_000)).toEqual([]);
    // A filter leaves 600 records: one query, whatever the size asked.
    const few = await scanBounds(connection, (params) => `CAST(json_extract(metadata, '$.n') AS INTEGER) < ${params.add(600)}`, false, 1);
    expect(few).toEqual([]);
    expect(SCAN_SAMPLE_ROWS).toBeLessThan(ROWS);
  });
});
