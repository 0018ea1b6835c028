// The JSONL reader: one object per line; a bad line is a row error and reading goes on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readAll, tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function file(text: string | Buffer): string {
  const path = join(dir.path, 'in.jsonl');
  writeFileSync(path, text);
  return path;
}

describe('jsonl reader', () => {
  it('numbers rows by line, skipping blank lines but keeping their numbers', async () => {
    const items = await readAll('jsonl', file('{"content":"a"}\n\n   \n{"content":"b"}\r\n{"content":"c"}'));
    expect(items.map((item) => [item.row, item.ok && item.record.content])).toEqual([
      [1, 'a'],
      [4, 'b'],
      [5, 'c'],
    ]);
  });

  it('gives a row error for a line that is not JSON or not an object, and reads the lines after it', async () => {
    const items = await readAll('jsonl', file('{"content":"a"}\n{"content": oops}\n[1,2]\n{"content":"d"}\n'));
    expect(items[0]).toEqual({ ok: true, row: 1, record: { content: 'a' } });
    expect(items[1]).toMatchObject({ ok: false, row: 2, field: null, error: expect.stringMatching(/^line 2 is not valid JSON/) });
    expect(items[2]).toEqual({ ok: false, row: 3, field: null, error: 'line 3 is an array, not an object of fields' });
    expect(items[3]).toEqual({ ok: true, row: 4, record: { content: 'd' } });
  });

  it('reads a last line without a line break, a line longer than a chunk, and a byte order mark', async () => {
    const long = '漢'.repeat(700_000);
    const text = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`{"content":"${long}"}\n{"content":"end"}`)]);
    const items = await readAll('jsonl', file(text));
    expect(items.map((item) => item.ok && item.record.content)).toEqual([long, 'end']);
  });

  it('reads an empty file as no rows, and a truncated last line as a row error', async () => {
    expect(await readAll('jsonl', file(''))).toEqual([]);
    const items = await readAll('jsonl', file('{"content":"a"}\n{"content":"b'));
    expect(items[1]).toMatchObject({ ok: false, row: 2 });
  });
});
