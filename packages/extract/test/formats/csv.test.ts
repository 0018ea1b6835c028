import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { CSV_DOC } from '../fixtures.js';
import { expectExtractError, tempDir, utf8 } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('csv extraction', () => {
  it('writes the header and each row as one tab-separated line, quoted commas, quotes and newlines intact', async () => {
    const result = await extractInline({ bytes: dir.file('people.csv', CSV_DOC), name: 'people.csv' });
    expect(result.format).toBe('csv');
    expect(result.title).toBeNull();
    expect(result.content).toBe('name\tcity\tnote\nAda\tLondon\tlikes "quotes", commas\nGrace\tArlington\ttwo lines\nLinus\tHelsinki');
    expect(result.metadata).toEqual({ columns: ['name', 'city', 'note'], rows: 4, delimiter: ',' });
  });

  it('detects semicolon and tab delimiters, and reads a .tsv as tab-separated', async () => {
    const semi = await extractInline({ bytes: utf8('a;b\n"1,5";2\n'), name: 'semi.csv' });
    expect(semi.content).toBe('a\tb\n1,5\t2');
    expect(semi.metadata.delimiter).toBe(';');
    const tsv = await extractInline({ bytes: utf8('x,y\tz\n1,2\t3\n'), name: 'data.tsv' });
    expect(tsv.content).toBe('x,y\tz\n1,2\t3');
    expect(tsv.metadata.delimiter).toBe('\t');
  });

  it('accepts rows of different lengths', async () => {
    const result = await extractInline({ bytes: utf8('a,b,c\n1\n1,2,3,4\n'), name: 'ragged.csv' });
    expect(result.content).toBe('a\tb\tc\n1\n1\t2\t3\t4');
  });

  it('is EXTRACT_FAILED naming the line for an unclosed quote', async () => {
    const error = await expectExtractError(extractInline({ bytes: utf8('a,b\n1,"open\n2,3\n'), name: 'open.csv' }), 'EXTRACT_FAILED');
    expect(error.message).toContain('"open.csv" is not valid CSV');
    expect(typeof error.data.line).toBe('number');
  });
});
