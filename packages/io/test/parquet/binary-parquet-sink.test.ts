// The binary Parquet path (exports with embeddings): float32 bits survive, every awkward value of the
// round-trip fixture survives, the schema matches the CSV-staged path's, and nothing is left behind when a
// write is cancelled or fails.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type FrameRecord, RECORD_FIELDS } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ReadItem, writeRecords } from '../../src/index.js';
import { parquetWriter } from '../../src/parquet/parquet-writer.js';
import { ID, TRICKY_FLOATS, expectIoError, query, readAll, record, tempDir, trickyRecords } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

const DIALECT = { delimiter: ',', quote: '"' } as const;

function bits(vector: Float32Array | null | undefined): number[] | null {
  return vector === null || vector === undefined ? null : Array.from(new Uint32Array(vector.buffer, vector.byteOffset, vector.length));
}

function records(items: readonly ReadItem[]): FrameRecord[] {
  return items.map((item) => {
    if (!item.ok) throw new Error(`row ${item.row}: ${item.error}`);
    return item.record as FrameRecord;
  });
}

/** Float32 values by their bits: ±0, the smallest and largest subnormals, the smallest normal, ±max, ±1. */
const SPECIAL_BITS = [0x00000000, 0x80000000, 0x00000001, 0x80000001, 0x007fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x3f800000, 0xbf800000, 0x3eaaaaab];
const SPECIALS = new Float32Array(new Uint32Array(SPECIAL_BITS).buffer);

describe('binary parquet sink (exports with embeddings)', () => {
  it('round-trips float32 specials bit for bit: -0, subnormals, max and min, across several chunks', async () => {
    const path = join(dir.path, 'specials.parquet');
    const rotated = (by: number): Float32Array => SPECIALS.map((_, k) => SPECIALS[(k + by) % SPECIALS.length]!);
    // 5,000 records span three 2,048-row data chunks; every 7th has no embedding and every 11th an empty one.
    const written = Array.from({ length: 5000 }, (_, i) => record(i, { embedding: i % 7 === 0 ? null : i % 11 === 0 ? new Float32Array(0) : rotated(i) }));
    const result = await writeRecords('parquet', written, { outputPath: path, includeEmbeddings: true });
    expect(result.documents).toBe(5000);
    const read = records(await readAll('parquet', path));
    expect(read).toHaveLength(5000);
    expect(read.map((got) => bits(got.embedding))).toEqual(written.map((want) => bits(want.embedding)));
    expect(read[0]!.embedding).toBeNull();
    expect(read[11]!.embedding).toEqual(new Float32Array(0));
    // -0 and 0 share one column chunk and stay apart (a Parquet dictionary would merge them).
    expect(Object.is(read[1]!.embedding![10], 0) && Object.is(read[1]!.embedding![0], -0)).toBe(true);
    // DuckDB reads the same floats: the smallest subnormal, -0 and the largest float, exactly.
    const [row] = await query(`SELECT embedding[1]::DOUBLE, embedding[2]::DOUBLE, embedding[6]::DOUBLE FROM read_parquet('${path}') WHERE uuid = '${ID(1)}'`);
    expect(row).toEqual([-0, 1.401298464324817e-45, 3.4028234663852886e38]);
    // The source records are not changed by the write.
    expect(bits(written[1]!.embedding)).toEqual(bits(rotated(1)));
    expect(dir.files()).toEqual(['specials.parquet']);
  });

  it('reproduces every awkward value of the round-trip fixture with embeddings included', async () => {
    const written = trickyRecords();
    const path = join(dir.path, 'tricky.parquet');
    await writeRecords('parquet', written, { outputPath: path, includeEmbeddings: true });
    const read = records(await readAll('parquet', path));
    expect(read).toHaveLength(written.length);
    read.forEach((got, i) => {
      for (const field of RECORD_FIELDS) {
        if (field === 'embedding') expect(bits(got.embedding), `${field} of record ${i}`).toEqual(bits(written[i]!.embedding));
        else expect(got[field], `${field} of record ${i}`).toEqual(written[i]![field]);
      }
    });
    expect(bits(read[0]!.embedding)).toEqual(bits(TRICKY_FLOATS));
  });

  it('writes the same schema and values as the CSV-staged path, plus the FLOAT[] embedding column', async () => {
    const written = [
      ...trickyRecords(),
      // Timestamps not in toISOString form are parsed by DuckDB on both paths.
      record(6, { created_at: '2024-05-02 11:30:15+02', updated_at: '2024-05-02T11:30:15.5Z', chunk_index: -2_147_483_648 }),
    ];
    const withVectors = join(dir.path, 'with.parquet');
    const without = join(dir.path, 'without.parquet');
    await writeRecords('parquet', written, { outputPath: withVectors, includeEmbeddings: true });
    await writeRecords('parquet', written, { outputPath: without });
    const schema = async (path: string) => (await query(`DESCRIBE SELECT * FROM read_parquet('${path}')`)).map((row) => [row[0], row[1]]);
    const withSchema = await schema(withVectors);
    expect(withSchema).toEqual((await schema(without)).toSpliced(13, 0, ['embedding', 'FLOAT[]']));
    const strip = (items: FrameRecord[]) => items.map(({ embedding: _embedding, ...rest }) => rest);
    const viaBinary = records(await readAll('parquet', withVectors));
    expect(strip(viaBinary)).toEqual(strip(records(await readAll('parquet', without))));
    expect(viaBinary[5]!.created_at).toBe('2024-05-02T09:30:15.000Z');
    expect(viaBinary[5]!.updated_at).toBe('2024-05-02T11:30:15.500Z');
  });

  it('rejects a NaN or infinite float with INVALID_RECORD and leaves no file or staging folder', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const written = [record(1, { embedding: new Float32Array([1, 2]) }), record(2, { embedding: new Float32Array([0.5, bad]) })];
      const error = await expectIoError(writeRecords('parquet', written, { outputPath: join(dir.path, 'bad.parquet'), includeEmbeddings: true }), 'INVALID_RECORD');
      expect(error.message).toContain(ID(2));
      expect(error.message).toContain('position 1');
      expect(error.data).toEqual({ uuid: ID(2), field: 'embedding', index: 1 });
      expect(dir.files()).toEqual([]);
    }
  });

  it('rejects records whose fields a column cannot hold, naming the field, and writes nothing', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const cases: [unknown, string][] = [
      [record(1, { title: 42 as unknown as string }), 'title'],
      [record(1, { uuid: null as unknown as string }), 'uuid'],
      [record(1, { tags: 'a' as unknown as string[] }), 'tags'],
      [record(1, { tags: ['a', 3 as unknown as string] }), 'tags'],
      [record(1, { metadata: cyclic as FrameRecord['metadata'] }), 'metadata'],
      [record(1, { metadata: undefined as unknown as FrameRecord['metadata'] }), 'metadata'],
      [record(1, { embedding: 'vector' as unknown as Float32Array }), 'embedding'],
      [record(1, { chunk_index: 2 ** 31 }), 'chunk_index'],
      [record(1, { chunk_index: 1.5 }), 'chunk_index'],
      [record(1, { created_at: 7 as unknown as string }), 'created_at'],
      [null, 'record'],
    ];
    for (const [bad, field] of cases) {
      const error = await expectIoError(
        writeRecords('parquet', [record(0), bad as FrameRecord], { outputPath: join(dir.path, 'bad.parquet'), includeEmbeddings: true }),
        'INVALID_RECORD',
      );
      expect(error.data, field).toMatchObject({ field });
      expect(error.message).toMatch(/Fix the record/);
      expect(dir.files()).toEqual([]);
    }
  });

  it('fails with WRITE_FAILED on a timestamp DuckDB cannot parse, and cleans up', async () => {
    const written = [record(1, { embedding: new Float32Array([1]), updated_at: 'yesterday' })];
    const error = await expectIoError(writeRecords('parquet', written, { outputPath: join(dir.path, 'bad.parquet'), includeEmbeddings: true }), 'WRITE_FAILED');
    expect(error.message).toContain('bad.parquet');
    expect(dir.files()).toEqual([]);
  });

  it('leaves no staging folder or partial file when an export with embeddings is cancelled mid-way', async () => {
    const controller = new AbortController();
    const vector = new Float32Array(384).fill(0.25);
    function* source(): Generator<FrameRecord[]> {
      yield Array.from({ length: 3000 }, (_, i) => record(i, { embedding: vector }));
      // By now the staging folder exists beside the target.
      expect(dir.files().some((name) => name.endsWith('.staging'))).toBe(true);
      controller.abort();
      yield [record(3000, { embedding: vector })];
    }
    await expectIoError(writeRecords('parquet', source(), { outputPath: join(dir.path, 'out.parquet'), includeEmbeddings: true, signal: controller.signal }), 'ABORTED');
    expect(dir.files()).toEqual([]);
  });

  it('removes the staging folder and the file when finish is cancelled before or while DuckDB writes', async () => {
    const target = join(dir.path, 'direct.parquet');
    for (const when of ['before', 'during'] as const) {
      const sink = await parquetWriter.create(target, { includeEmbeddings: true, csv: DIALECT });
      await sink.write(Array.from({ length: 4000 }, (_, i) => record(i, { embedding: new Float32Array(256).fill(i) })));
      const controller = new AbortController();
      if (when === 'before') controller.abort();
      const finishing = sink.finish(controller.signal);
      if (when === 'during') controller.abort();
      await expectIoError(finishing, 'ABORTED');
      expect(dir.files(), when).toEqual([]);
      // abort after a failed finish is safe and changes nothing.
      await sink.abort();
      expect(dir.files(), when).toEqual([]);
    }
  });

  it('cleans up when the target folder is removed mid-way, failing with WRITE_FAILED', async () => {
    const folder = join(dir.path, 'out');
    function* source(): Generator<FrameRecord[]> {
      yield [record(1, { embedding: new Float32Array([1, 2]) })];
      rmSync(folder, { recursive: true, force: true });
      yield [record(2, { embedding: new Float32Array([3, 4]) })];
    }
    const error = await expectIoError(
      writeRecords('parquet', source(), { outputPath: join(folder, 'x.parquet'), includeEmbeddings: true, createDirectories: true }),
      'WRITE_FAILED',
    );
    expect(error.message).toContain('x.parquet');
    expect(existsSync(folder)).toBe(false);
    expect(dir.files()).toEqual([]);
  });

  it('reports FILE_NOT_FOUND when the staging folder cannot be made, and creates nothing', async () => {
    const error = await expectIoError(parquetWriter.create(join(dir.path, 'missing', 'x.parquet'), { includeEmbeddings: true, csv: DIALECT }), 'FILE_NOT_FOUND');
    expect(error.message).toContain('missing');
    expect(dir.files()).toEqual([]);
  });
});
