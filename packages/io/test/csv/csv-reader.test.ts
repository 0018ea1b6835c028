// The CSV reader: header row, RFC 4180 quoting, and the null convention (unquoted empty = null, "" = empty).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvScanner } from '../../src/csv/csv-scanner.js';
import { openReader } from '../../src/index.js';
import { expectIoError, readAll, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function file(text: string | Buffer): string {
  const path = join(dir.path, 'in.csv');
  writeFileSync(path, text);
  return path;
}

/** Scans `text` as the reader does, with the bytes arriving `size` at a time. */
function scanInPieces(text: string, size: number, delimiter = ',', quote = '"'): (string | null)[][] {
  const bytes = Buffer.from(text);
  const scanner = new CsvScanner('mem.csv', delimiter, quote);
  const out: (string | null)[][] = [];
  let pending = Buffer.alloc(0);
  for (let i = 0; i <= bytes.length; i += size) {
    const final = i + size >= bytes.length;
    const buffer = Buffer.concat([pending, bytes.subarray(i, i + size)]);
    const { records, consumed } = scanner.scan(buffer, 0, final, 0, 0, Number.POSITIVE_INFINITY);
    out.push(...records.map((r) => r.values));
    pending = buffer.subarray(consumed);
    if (final) break;
  }
  return out;
}

describe('CsvScanner', () => {
  const text = 'a,b,c\r\n"x,1","say ""hi""\nthere",\n"",,"é"\n\n"end"';
  const want = [
    ['a', 'b', 'c'],
    ['x,1', 'say "hi"\nthere', null],
    ['', null, 'é'],
    ['end'],
  ];

  it('splits the same records whatever the chunk size: quotes, doubled quotes, newlines in fields, CRLF', () => {
    for (const size of [1, 2, 3, 4, 7, 1000]) expect(scanInPieces(text, size), `size ${size}`).toEqual(want);
  });

  it('uses the configured delimiter and quote', () => {
    expect(scanInPieces("a;'b;c';'it''s'\n1;;''\n", 3, ';', "'")).toEqual([
      ['a', 'b;c', "it's"],
      ['1', null, ''],
    ]);
  });

  it('skips empty lines, including a lone carriage return at the end', () => {
    expect(scanInPieces('a\n\n\r\nb\n\r', 2)).toEqual([['a'], ['b']]);
  });

  it('throws PARSE_ERROR with the row and offset for an unclosed quote and for text after a closing quote', () => {
    expect(() => scanInPieces('a,b\n1,"open\n', 100)).toThrow(/ends inside a quoted field of row 2 \(it starts at byte 6\)/);
    expect(() => scanInPieces('a,b\n"x"y,2\n', 100)).toThrow(/has "y" after the closing quote of a field in row 2 \(byte 7\)/);
  });
});

describe('csv reader', () => {
  it('maps columns by the header, with null for unquoted empty fields and "" for quoted empty ones', async () => {
    const items = await readAll('csv', file('content,title,context\nhello,,""\n"multi\nline","a ""b""",x\n'));
    expect(items).toEqual([
      { ok: true, row: 1, record: { content: 'hello', title: null, context: '' } },
      { ok: true, row: 2, record: { content: 'multi\nline', title: 'a "b"', context: 'x' } },
    ]);
  });

  it('numbers rows from the first record after the header, skipping empty lines', async () => {
    const items = await readAll('csv', file('content\r\na\r\n\r\nb\r\n'));
    expect(items.map((item) => item.row)).toEqual([1, 2]);
  });

  it('gives a row error for a record with more or fewer fields than the header, and reads on', async () => {
    const items = await readAll('csv', file('content,title\na,b,c\nd\ne,f\n'));
    expect(items).toEqual([
      { ok: false, row: 1, field: null, error: 'row has 3 fields but the header has 2; quote fields that hold the delimiter' },
      { ok: false, row: 2, field: null, error: 'row has 1 field but the header has 2; quote fields that hold the delimiter' },
      { ok: true, row: 3, record: { content: 'e', title: 'f' } },
    ]);
  });

  it('reads with a custom delimiter and quote', async () => {
    const items = await readAll('csv', file("content|tags\n'a|b'|'x, y'\n"), { csv: { delimiter: '|', quote: "'" } });
    expect(items).toEqual([{ ok: true, row: 1, record: { content: 'a|b', tags: ['x', 'y'] } }]);
  });

  it('rejects a bad dialect, a header with an empty or repeated name', async () => {
    await expectIoError(openReader('csv', file('a\n'), { csv: { delimiter: ';;' } }), 'INVALID_OPTIONS');
    await expectIoError(openReader('csv', file('a\n'), { csv: { delimiter: '"' } }), 'INVALID_OPTIONS');
    await expectIoError(openReader('csv', file('a\n'), { csv: { quote: '\n' } }), 'INVALID_OPTIONS');
    expect((await expectIoError(openReader('csv', file('content,,title\n')), 'PARSE_ERROR')).message).toMatch(/no name for column 2/);
    expect((await expectIoError(openReader('csv', file('content,content\n')), 'PARSE_ERROR')).message).toMatch(/names column "content" twice/);
  });

  it('reads an empty file and a header-only file as no rows', async () => {
    expect(await readAll('csv', file(''))).toEqual([]);
    const reader = await openReader('csv', file('content,title\n'));
    expect(reader.columns).toEqual(['content', 'title']);
    expect(await readAll('csv', file('content,title'))).toEqual([]);
  });

  it('throws PARSE_ERROR for a file that ends inside a quoted field', async () => {
    const error = await expectIoError(readAll('csv', file('content\n"unfinished\n')), 'PARSE_ERROR');
    expect(error.data).toMatchObject({ row: 1, offset: 8 });
  });

  it('reads a quoted field far longer than a read chunk, and a byte order mark', async () => {
    const big = `${'漢字, "quoted"\n'.repeat(300_000)}end`;
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`content,title\n"${big.replaceAll('"', '""')}",t\nnext,u\n`)]);
    const items = await readAll('csv', file(text));
    expect(items.map((item) => item.ok && item.record.content)).toEqual([big, 'next']);
  });

  it('closes the file when the caller stops early', async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `row ${i}`).join('\n');
    const reader = await openReader('csv', file(`content\n${lines}\n`));
    for await (const item of reader) {
      expect(item.row).toBe(1);
      break;
    }
    await reader.close();
    await reader.close();
  });
});
