// The Parquet writer's schema, and row groups that stay small when records carry large embeddings.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { query, readAll, record, tempDir } from '../helpers.js';
import { writeRecords } from '../../src/index.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

describe('parquet writer', () => {
  it('writes typed columns: FLOAT[] embeddings (not DOUBLE), VARCHAR[] tags, JSON metadata, TIMESTAMPTZ', async () => {
    const path = join(dir.path, 'typed.parquet');
    await writeRecords('parquet', [record(1, { embedding: new Float32Array([1, 2]), chunk_index: 3 })], { outputPath: path, includeEmbeddings: true });
    const types = Object.fromEntries((await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).map((row) => [row[0], row[1]]));
    expect(types).toMatchObject({
      uuid: 'VARCHAR',
      tags: 'VARCHAR[]',
      metadata: 'JSON',
      chunk_index: 'INTEGER',
      embedding: 'FLOAT[]',
      created_at: 'TIMESTAMP WITH TIME ZONE',
    });
  });

  it('exports records with large embeddings in row groups small enough for its memory limit', async () => {
    const path = join(dir.path, 'wide.parquet');
    const dimensions = 1024;
    const written = Array.from({ length: 6000 }, (_, i) => record(i, { embedding: Float32Array.from({ length: dimensions }, (_, k) => Math.fround(Math.sin(i * dimensions + k))) }));
    await writeRecords('parquet', written, { outputPath: path, includeEmbeddings: true });
    const groups = await query(`SELECT count(DISTINCT row_group_id) FROM parquet_metadata('${path}')`);
    expect(Number(groups[0]![0])).toBeGreaterThan(1);
    const items = await readAll('parquet', path);
    expect(items).toHaveLength(6000);
    const last = items[5999]!;
    expect(last.ok && Array.from(last.record.embedding as Float32Array)).toEqual(Array.from(written[5999]!.embedding!));
    // 6,000 records of 1,024 floats is slow work on purpose; CI runs every package's tests at once on 2 cores.
  }, 180_000);
});
