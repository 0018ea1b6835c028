// writeRecords: all-or-nothing files, names, overwrite, cancellation, and undoing a finished export.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameRecord } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORMATS, type Format, writeRecords, writerFor } from '../../src/index.js';
import { expectIoError, readAll, record, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

async function* slowly(count: number, onEach?: (i: number) => void): AsyncGenerator<FrameRecord> {
  for (let i = 0; i < count; i++) {
    onEach?.(i);
    yield record(i);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('writeRecords', () => {
  for (const format of FORMATS) {
    it(`${format}: refuses to replace an existing file unless overwrite is set, writing nothing`, async () => {
      const path = join(dir.path, `out.${format}`);
      writeFileSync(path, 'precious');
      const error = await expectIoError(writeRecords(format, [record(1)], { outputPath: path }), 'FILE_EXISTS');
      expect(error.data).toEqual({ path });
      expect(readFileSync(path, 'utf8')).toBe('precious');
      expect(dir.files()).toEqual([`out.${format}`]);

      const result = await writeRecords(format, [record(1)], { outputPath: path, overwrite: true });
      expect(result.files[0]!.bytes).toBe(readFileSync(path).length);
      expect(await readAll(format, path)).toHaveLength(1);
      expect(dir.files()).toEqual([`out.${format}`]);
    });

    it(`${format}: leaves no file behind when cancelled part way, and throws ABORTED`, async () => {
      const controller = new AbortController();
      const error = await expectIoError(
        writeRecords(format, slowly(3000, (i) => i === 2500 && controller.abort()), {
          outputPath: join(dir.path, `out.${format}`),
          chunkSize: 1000,
          signal: controller.signal,
        }),
        'ABORTED',
      );
      expect(error.message).toMatch(/cancelled/);
      expect(dir.files()).toEqual([]);
    });

    it(`${format}: removes the files of a finished export on request`, async () => {
      const result = await writeRecords(format, [record(1), record(2), record(3)], { outputPath: join(dir.path, `x.${format}`), chunkSize: 2 });
      expect(dir.files()).toHaveLength(2);
      await result.removeWritten();
      expect(dir.files()).toEqual([]);
      await result.removeWritten();
    });
  }

  it('removes every file written so far when a later record cannot be written', async () => {
    const bad = record(5, { embedding: new Float32Array([1, Number.NaN]) });
    const records = [record(1), record(2), record(3), record(4), bad];
    const error = await expectIoError(
      writeRecords('jsonl', records, { outputPath: join(dir.path, 'out.jsonl'), chunkSize: 2, includeEmbeddings: true }),
      'INVALID_RECORD',
    );
    expect(error.message).toMatch(/NaN at position 1 of its embedding/);
    expect(dir.files()).toEqual([]);
    await expectIoError(writeRecords('csv', [bad], { outputPath: join(dir.path, 'out.csv'), includeEmbeddings: true }), 'INVALID_RECORD');
    expect(dir.files()).toEqual([]);
  });

  it('refuses NaN and infinite floats in Parquet too, since records reach DuckDB as text', async () => {
    const path = join(dir.path, 'out.parquet');
    const vector = new Float32Array([Number.NaN, Number.POSITIVE_INFINITY, -0]);
    await expectIoError(writeRecords('parquet', [record(1, { embedding: vector })], { outputPath: path, includeEmbeddings: true }), 'INVALID_RECORD');
    expect(dir.files()).toEqual([]);
  });

  it('refuses to start when any numbered file already exists, and leaves it alone', async () => {
    writeFileSync(join(dir.path, 'export-00002.jsonl'), 'old');
    await expectIoError(
      writeRecords('jsonl', [record(1), record(2), record(3)], { outputPath: join(dir.path, 'export.jsonl'), chunkSize: 2 }),
      'FILE_EXISTS',
    );
    expect(dir.files()).toEqual(['export-00002.jsonl']);
  });

  it('names files export.<ext> (or export-00001.<ext>) inside a directory given as the output path', async () => {
    const out = join(dir.path, 'out');
    mkdirSync(out);
    const single = await writeRecords('csv', [record(1)], { outputPath: out });
    expect(single.files.map((f) => f.path)).toEqual([join(out, 'export.csv')]);
    const chunked = await writeRecords('parquet', [record(1)], { outputPath: out, chunkSize: 10 });
    expect(chunked.files.map((f) => f.path)).toEqual([join(out, 'export-00001.parquet')]);
  });

  it('throws FILE_NOT_FOUND when the directory does not exist, INVALID_OPTIONS for a bad chunk size or dialect', async () => {
    await expectIoError(writeRecords('json', [record(1)], { outputPath: join(dir.path, 'missing', 'x.json') }), 'FILE_NOT_FOUND');
    for (const chunkSize of [0, -1, 1.5, Number.NaN]) {
      await expectIoError(writeRecords('json', [record(1)], { outputPath: join(dir.path, 'x.json'), chunkSize }), 'INVALID_OPTIONS');
    }
    await expectIoError(writeRecords('csv', [record(1)], { outputPath: join(dir.path, 'x.csv'), csv: { delimiter: 'ab' } }), 'INVALID_OPTIONS');
    expect(dir.files()).toEqual([]);
  });

  it('creates missing directories when asked, and removes them again on failure and on removeWritten', async () => {
    const nested = join(dir.path, 'a', 'b', 'c');
    const result = await writeRecords('jsonl', [record(1), record(2)], { outputPath: join(nested, 'x.jsonl'), chunkSize: 1, createDirectories: true });
    expect(result.files.map((f) => f.path)).toEqual([join(nested, 'x-00001.jsonl'), join(nested, 'x-00002.jsonl')]);
    expect(await readAll('jsonl', result.files[0]!.path)).toHaveLength(1);
    await result.removeWritten();
    expect(existsSync(join(dir.path, 'a'))).toBe(false);

    // A directory that existed before stays; only the ones this export created go.
    mkdirSync(join(dir.path, 'keep'));
    const bad = record(2, { embedding: new Float32Array([Number.NaN]) });
    await expectIoError(
      writeRecords('jsonl', [record(1), bad], { outputPath: join(dir.path, 'keep', 'new', 'x.jsonl'), includeEmbeddings: true, createDirectories: true }),
      'INVALID_RECORD',
    );
    expect(existsSync(join(dir.path, 'keep'))).toBe(true);
    expect(existsSync(join(dir.path, 'keep', 'new'))).toBe(false);
  });

  it('writes CSV in a custom dialect that reads back the same', async () => {
    const path = join(dir.path, 'semi.csv');
    const written = record(1, { title: 'a;b', content: "it's", tags: ['x;y'] });
    await writeRecords('csv', [written], { outputPath: path, csv: { delimiter: ';', quote: "'" } });
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('uuid;collection;title;content;context;tags;metadata;record_type;parent_id;chunk_index;source_type;source_uri;content_hash;created_at;updated_at');
    const [item] = await readAll('csv', path, { csv: { delimiter: ';', quote: "'" } });
    const { embedding: _, ...rest } = written;
    expect(item).toEqual({ ok: true, row: 1, record: rest });
  });

  it('writes the CSV null convention: null is an empty field, the empty string is ""', async () => {
    const path = join(dir.path, 'nulls.csv');
    await writeRecords('csv', [record(1, { title: null, context: '', chunk_index: 3 })], { outputPath: path });
    const line = readFileSync(path, 'utf8').split('\n')[1]!;
    expect(line).toBe(`${record(1).uuid},c1,,Content of record 1.,"","[""a"",""t1""]","{""n"":1}",document,,3,test,file:///doc/1.txt,,2024-05-01T10:00:00.000Z,2024-05-02T11:30:15.123Z`);
  });

  it('writes a JSON file as { "documents": [...] } with one record per line', async () => {
    const path = join(dir.path, 'out.json');
    await writeRecords('json', [record(1), record(2)], { outputPath: path });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\n')).toHaveLength(5);
    expect(JSON.parse(text).documents).toHaveLength(2);
  });

  it('throws UNSUPPORTED_FORMAT for an unknown format', async () => {
    await expectIoError(writeRecords('xml' as Format, [], { outputPath: join(dir.path, 'x.xml') }), 'UNSUPPORTED_FORMAT');
    expect(() => writerFor('yaml' as Format)).toThrow(/not supported/);
    expect(existsSync(join(dir.path, 'x.xml'))).toBe(false);
  });
});
