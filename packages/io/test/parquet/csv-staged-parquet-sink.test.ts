// The CSV-staged Parquet path (exports without embeddings) rejects what the binary path rejects, the same way.
import { join } from 'node:path';
import type { FrameRecord } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeRecords } from '../../src/index.js';
import { parquetWriter } from '../../src/parquet/parquet-writer.js';
import { ID, expectIoError, readAll, record, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

describe('csv-staged parquet sink (exports without embeddings)', () => {
  for (const includeEmbeddings of [false, true]) {
    it(`rejects a chunk_index the INTEGER column cannot hold with INVALID_RECORD (includeEmbeddings: ${includeEmbeddings})`, async () => {
      for (const bad of [2 ** 31, -(2 ** 31) - 1, 1.5]) {
        const written: FrameRecord[] = [record(1), record(2, { chunk_index: bad })];
        const error = await expectIoError(writeRecords('parquet', written, { outputPath: join(dir.path, 'out.parquet'), includeEmbeddings }), 'INVALID_RECORD');
        expect(error.data).toEqual({ uuid: ID(2), field: 'chunk_index' });
        expect(error.message).toContain(`got ${bad}`);
        expect(dir.files()).toEqual([]);
      }
    });
  }

  it('keeps the 32-bit limits themselves', async () => {
    const path = join(dir.path, 'limits.parquet');
    await writeRecords('parquet', [record(1, { chunk_index: 2 ** 31 - 1 }), record(2, { chunk_index: -(2 ** 31) })], { outputPath: path });
    const items = await readAll('parquet', path);
    expect(items.map((item) => item.ok && item.record.chunk_index)).toEqual([2 ** 31 - 1, -(2 ** 31)]);
  });

  it('writes records whose staged lines are longer than the reader buffers it asks DuckDB for', async () => {
    // 2.5 MB and 9 MB of content: past the smallest line size (2 MB) and buffer (4 MB), among short records.
    const long = ['a'.repeat(2_500_000), `"quoted", é\n${'b'.repeat(9_000_000)}`];
    const written = [record(1), record(2, { content: long[0]! }), record(3), record(4, { content: long[1]! }), record(5)];
    const path = join(dir.path, 'long.parquet');
    await writeRecords('parquet', written, { outputPath: path });
    const items = await readAll('parquet', path);
    expect(items.map((item) => item.ok && item.record.content)).toEqual(written.map((r) => r.content));
  });

  it('removes its staging folder and file when finish is cancelled, and reports WRITE_FAILED for a bad timestamp', async () => {
    const target = join(dir.path, 'direct.parquet');
    const sink = await parquetWriter.create(target, { includeEmbeddings: false, csv: { delimiter: ',', quote: '"' } });
    await sink.write([record(1)]);
    const controller = new AbortController();
    controller.abort();
    // DuckDB may finish this tiny COPY before it sees the interrupt; then the file stays for writeRecords to remove.
    await sink.finish(controller.signal).catch((error: unknown) => expect((error as { code: string }).code).toBe('ABORTED'));
    expect(dir.files().filter((name) => name.endsWith('.staging'))).toEqual([]);

    const error = await expectIoError(writeRecords('parquet', [record(2, { created_at: 'yesterday' })], { outputPath: join(dir.path, 'bad.parquet') }), 'WRITE_FAILED');
    expect(error.message).toContain('bad.parquet');
    expect(dir.files().filter((name) => name !== 'direct.parquet')).toEqual([]);
  });
});
