// openReader: formats, options, row errors up to max_errors, schema checks, missing files, cancellation.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Format, type ReadItem, detectFormat, isFormat, openReader, readerFor, writeRecords } from '../../src/index.js';
import { expectIoError, readAll, record, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function file(name: string, text: string): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

const badRows = (n: number): string => Array.from({ length: n }, (_, i) => `{"content":"ok ${i}"}\n{"title":"no content"}\n`).join('');

describe('openReader', () => {
  it('passes on up to maxErrors row errors, then throws TOO_MANY_ERRORS with the errors so far', async () => {
    const path = file('bad.jsonl', badRows(12));
    const items = await readAll('jsonl', path, { maxErrors: 12 });
    expect(items.filter((item) => !item.ok)).toHaveLength(12);

    const seen: ReadItem[] = [];
    const error = await expectIoError(
      (async () => {
        for await (const item of await openReader('jsonl', path)) seen.push(item);
      })(),
      'TOO_MANY_ERRORS',
    );
    expect(error.message).toMatch(/more than 10 bad rows \(row 22: content is missing/);
    expect((error.data as { errors: unknown[] }).errors).toHaveLength(11);
    expect((error.data as { errors: unknown[] }).errors[0]).toEqual({ ok: false, row: 2, field: 'content', error: expect.any(String) });
    expect(seen.filter((item) => !item.ok)).toHaveLength(10);
  });

  it('with maxErrors 0 stops at the first bad row; Infinity never stops', async () => {
    const path = file('bad.jsonl', badRows(30));
    await expectIoError(readAll('jsonl', path, { maxErrors: 0 }), 'TOO_MANY_ERRORS');
    expect(await readAll('jsonl', path, { maxErrors: Number.POSITIVE_INFINITY })).toHaveLength(60);
    await expectIoError(openReader('jsonl', path, { maxErrors: -1 }), 'INVALID_OPTIONS');
  });

  it('counts rows and errors as it reads', async () => {
    const reader = await openReader('jsonl', file('a.jsonl', badRows(2)));
    for await (const batch of reader.batches()) expect(batch.length).toBeGreaterThan(0);
    expect(reader.stats).toEqual({ rows: 4, errors: 2 });
    await expectIoError((async () => { for await (const _ of reader.batches()) void _; })(), 'INVALID_OPTIONS');
  });

  for (const format of ['json', 'jsonl', 'csv', 'parquet'] as const) {
    it(`${format}: reports the part of the file read, rising from 0 to 1`, async () => {
      // Long content makes the text files span several 1 MiB reads, so progress has steps in between.
      const records = Array.from({ length: 3000 }, (_, i) => record(i, { content: `${i} ${'x'.repeat(1500)}` }));
      const written = await writeRecords(format, records, { outputPath: join(dir.path, `p.${format}`) });
      const reader = await openReader(format, written.files[0]!.path);
      // CSV reads its header (and so its first chunk) when opened.
      expect(reader.progress()).toBeLessThan(1);
      const seen: number[] = [];
      let rows = 0;
      for await (const batch of reader.batches()) {
        rows += batch.length;
        seen.push(reader.progress());
      }
      expect(rows).toBe(3000);
      expect(seen.at(-1)).toBe(1);
      expect(seen.some((fraction) => fraction > 0 && fraction < 1)).toBe(true);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThanOrEqual(seen[i - 1]!);
    });
  }

  it('reports an empty file as fully read', async () => {
    const reader = await openReader('jsonl', file('empty.jsonl', ''));
    expect(reader.progress()).toBe(1);
  });

  it('throws SCHEMA_MISMATCH at open for CSV and Parquet columns that are neither record fields nor mapped', async () => {
    const csv = file('a.csv', 'content,author,year\nx,y,1\n');
    const error = await expectIoError(openReader('csv', csv, { requireSchemaMatch: true }), 'SCHEMA_MISMATCH');
    expect(error.data).toEqual({ path: csv, columns: ['author', 'year'] });
    const items = await readAll('csv', csv, { requireSchemaMatch: true, mapping: { author: 'metadata.author', year: 'metadata.year' } });
    expect(items).toEqual([{ ok: true, row: 1, record: { content: 'x', metadata: { author: 'y', year: '1' } } }]);

    const parquet = join(dir.path, 'a.parquet');
    await writeRecords('parquet', [record(1)], { outputPath: parquet });
    expect(await readAll('parquet', parquet, { requireSchemaMatch: true })).toHaveLength(1);
  });

  it('gives JSON rows with unknown fields row errors under requireSchemaMatch', async () => {
    const items = await readAll('json', file('a.json', '[{"content":"a","x":1},{"content":"b"}]'), { requireSchemaMatch: true });
    expect(items.map((item) => item.ok)).toEqual([false, true]);
  });

  it('throws FILE_NOT_FOUND for a missing file or a directory, for every format', async () => {
    for (const format of ['json', 'jsonl', 'csv', 'parquet'] as const) {
      const missing = await expectIoError(openReader(format, join(dir.path, 'nope')), 'FILE_NOT_FOUND');
      expect(missing.message).toMatch(/does not exist/);
      await expectIoError(openReader(format, dir.path), 'FILE_NOT_FOUND');
    }
  });

  it('throws UNSUPPORTED_FORMAT for an unknown format', async () => {
    await expectIoError(openReader('xml' as Format, file('a.xml', '<a/>')), 'UNSUPPORTED_FORMAT');
    expect(() => readerFor('yaml' as Format)).toThrow(/not supported/);
  });

  it('throws ABORTED when the signal fires while reading', async () => {
    const lines = Array.from({ length: 30_000 }, (_, i) => `{"content":"${'x'.repeat(100)} ${i}"}`).join('\n');
    for (const [format, name, text] of [
      ['jsonl', 'a.jsonl', lines],
      ['json', 'a.json', `[${lines.replaceAll('\n', ',')}]`],
      ['csv', 'a.csv', `content\n${Array.from({ length: 40_000 }, (_, i) => `row ${'y'.repeat(50)} ${i}`).join('\n')}`],
    ] as const) {
      const controller = new AbortController();
      const reader = await openReader(format, file(name, text), { signal: controller.signal });
      const error = await expectIoError(
        (async () => {
          for await (const item of reader) if (item.row === 5) controller.abort(new Error('stop'));
        })(),
        'ABORTED',
      );
      expect(error.cause).toEqual(new Error('stop'));
    }
  });
});

describe('detectFormat', () => {
  it('names the format from the extension, case-insensitively', () => {
    expect(['a.json', 'b.JSONL', 'c.ndjson', 'd.csv', 'e.parquet', 'f.PQ'].map(detectFormat)).toEqual(['json', 'jsonl', 'jsonl', 'csv', 'parquet', 'parquet']);
    expect(isFormat('csv')).toBe(true);
    expect(isFormat('xml')).toBe(false);
  });

  it('throws UNSUPPORTED_FORMAT for another extension', async () => {
    await expectIoError(Promise.resolve().then(() => detectFormat('notes.txt')), 'UNSUPPORTED_FORMAT');
  });
});

describe('isIoError', () => {
  it('tells io errors by code', async () => {
    const { IoError, isIoError } = await import('../../src/index.js');
    const error = new IoError('PARSE_ERROR', 'bad', { data: { row: 1 }, cause: new Error('why') });
    expect(isIoError(error)).toBe(true);
    expect(isIoError(error, 'PARSE_ERROR')).toBe(true);
    expect(isIoError(error, 'FILE_EXISTS')).toBe(false);
    expect(isIoError(new Error('x'))).toBe(false);
    expect(error.name).toBe('IoError');
    expect(error.cause).toEqual(new Error('why'));
  });
});
