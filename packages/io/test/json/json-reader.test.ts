// The JSON reader: a top-level array or { documents: [...] }, found by a streaming scanner chunk by chunk.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReader } from '../../src/index.js';
import { JsonDocumentScanner } from '../../src/json/json-document-scanner.js';
import { expectIoError, readAll, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function file(text: string | Buffer, name = 'in.json'): string {
  const path = join(dir.path, name);
  writeFileSync(path, text);
  return path;
}

/** Feeds `text` to a scanner in pieces of `size` bytes and returns the row texts. */
function scan(text: string, size: number): { row: number; offset: number; text: string }[] {
  const bytes = Buffer.from(text);
  const scanner = new JsonDocumentScanner('mem.json');
  const rows = [];
  for (let i = 0; i < bytes.length; i += size) rows.push(...scanner.push(bytes.subarray(i, i + size)));
  scanner.end();
  return rows;
}

describe('JsonDocumentScanner', () => {
  const doc = '[ {"a":"x\\"]}{[","b":[1,{"c":"\\\\"}]} ,\n{"e":"漢字🎉"},"str\\\\",12.5e3 , null, [1,[2]] ]';

  it('finds the same rows whatever the chunk size, escapes and brackets inside strings included', () => {
    const whole = scan(doc, 1 << 20);
    expect(whole.map((r) => JSON.parse(r.text))).toEqual([{ a: 'x"]}{[', b: [1, { c: '\\' }] }, { e: '漢字🎉' }, 'str\\', 12500, null, [1, [2]]]);
    expect(whole.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6]);
    for (const size of [1, 2, 3, 5, 7, 13]) expect(scan(doc, size)).toEqual(whole);
  });

  it('reports where each row starts in the file', () => {
    const rows = scan('  [{"a":1},\n {"b":2}]', 4);
    expect(rows.map((r) => r.offset)).toEqual([3, 13]);
  });

  it('reads the documents array of an object and skips the other members, before and after', () => {
    const text = '{"format":"x","skip":{"documents":[{"no":1}]},"list":[1,"]"],"documents":[{"yes":1},{"yes":2}],"count":2,"more":{"a":[]}}';
    for (const size of [1, 4, 1 << 20]) expect(scan(text, size).map((r) => JSON.parse(r.text))).toEqual([{ yes: 1 }, { yes: 2 }]);
  });

  it('handles escaped member names and an empty documents array', () => {
    expect(scan('{"docu\\u006dents":[{"a":1}]}', 3).map((r) => r.text)).toEqual(['{"a":1}']);
    expect(scan('{"documents":[]}', 2)).toEqual([]);
    expect(scan('[]', 1)).toEqual([]);
    expect(scan(' \n ', 1)).toEqual([]);
  });

  it('rejects structure that is not an import file', () => {
    const bad: [string, RegExp][] = [
      ['"just a string"', /does not start with "\[" or "\{"/],
      ['{"other":[]}', /without a "documents" array/],
      ['{"documents":{}}', /not an array/],
      ['{"documents":[],"documents":[]}', /more than one "documents"/],
      ['[{"a":1} {"b":2}]', /where "," or "\]" after row 1 should be/],
      ['[{"a":1},]', /a document after the ","/],
      ['[{"a":1}] x', /has more after its JSON value ended/],
      ['{"a" 1}', /":" after a member name/],
      ['{,}', /a member name in quotes/],
      ['{"a":1 "b":2}', /"," or "}" in the top-level object/],
      ['{"bad\\q":1,"documents":[]}', /member name that is not a valid JSON string/],
    ];
    for (const [text, message] of bad) expect(() => scan(text, 3), text).toThrow(message);
  });

  it('throws PARSE_ERROR with the row and byte offset for a truncated file', () => {
    const cases: [string, RegExp, number | null][] = [
      ['[{"a":1},{"b":"unfinished', /ends inside row 2 \(it starts at byte 9\), at byte 25/, 2],
      ['[{"a":1}', /ends after row 1/, 1],
      ['[', /ends before the first row/, null],
      ['{"documents":[{"a":1}', /ends after row 1/, 1],
      ['{"meta":{"x"', /inside the value of "meta"/, null],
      ['{"docum', /ends before the first row/, null],
      ['[12', /inside row 1/, 1],
      ['["a\\', /inside row 1/, 1],
    ];
    for (const [text, message, row] of cases) {
      let error: unknown;
      try {
        scan(text, 2);
      } catch (e) {
        error = e;
      }
      expect((error as Error).message, text).toMatch(message);
      expect((error as { code: string }).code).toBe('PARSE_ERROR');
      expect((error as { data: { row: number | null } }).data.row).toBe(row);
    }
  });
});

describe('json reader', () => {
  it('reads rows of a top-level array and numbers them from 1, a non-object being a row error', async () => {
    const items = await readAll('json', file('[{"content":"a"}, 5, {"content":"b"}]'));
    expect(items).toEqual([
      { ok: true, row: 1, record: { content: 'a' } },
      { ok: false, row: 2, field: null, error: 'row is a number, not an object of fields' },
      { ok: true, row: 3, record: { content: 'b' } },
    ]);
  });

  it('skips a UTF-8 byte order mark', async () => {
    const items = await readAll('json', file(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"content":"é"}]')])));
    expect(items).toEqual([{ ok: true, row: 1, record: { content: 'é' } }]);
  });

  it('throws PARSE_ERROR naming the row for a row that is not valid JSON', async () => {
    const error = await expectIoError(readAll('json', file('[{"content":"a"},\n{"content": tru}]')), 'PARSE_ERROR');
    expect(error.message).toMatch(/invalid JSON in row 2 \(it starts at byte 18\)/);
    expect(error.data).toEqual({ path: expect.any(String), row: 2, offset: 18 });
  });

  it('throws PARSE_ERROR for a truncated file after passing on the rows before it', async () => {
    const rows: number[] = [];
    const error = await expectIoError(
      (async () => {
        const reader = await openReader('json', file('[{"content":"a"},{"content":"b'));
        for await (const item of reader) rows.push(item.row);
      })(),
      'PARSE_ERROR',
    );
    expect(rows).toEqual([1]);
    expect(error.message).toMatch(/truncated/);
  });

  it('reads an empty file as no rows', async () => {
    expect(await readAll('json', file(''))).toEqual([]);
  });

  it('reads a row larger than a read chunk', async () => {
    const content = 'é'.repeat(1 << 20);
    const items = await readAll('json', file(JSON.stringify({ documents: [{ content }, { content: 'small' }] })));
    expect(items.map((item) => item.ok && item.record.content)).toEqual([content, 'small']);
  });
});
