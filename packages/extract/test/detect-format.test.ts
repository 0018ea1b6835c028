import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_FORMATS, detectFormat, extractInline, isExtractError } from '../src/index.js';
import { HTML_PAGE, JSON_DOC, JSONL_DOC, MARKDOWN_DOC, makeDocx, makePdf } from './fixtures.js';
import { expectExtractError, tempDir, utf8 } from './helpers.js';

const dir = tempDir();
let pdf: Uint8Array;
let docx: Uint8Array;
beforeAll(async () => {
  pdf = await makePdf({ title: 'Sniffed', pages: [['PDF body text']] });
  docx = await makeDocx({ paragraphs: ['Word body text'] });
});
afterAll(() => dir.remove());

describe('detectFormat', () => {
  it('names the eight formats in lower case', () => {
    expect(EXTRACT_FORMATS).toEqual(['text', 'markdown', 'html', 'json', 'jsonl', 'csv', 'pdf', 'docx']);
  });

  it('extracts a PDF named .txt as a PDF: the bytes beat a lying extension', async () => {
    const bytes = dir.file('report.txt', pdf);
    expect(detectFormat({ bytes, name: 'report.txt' })).toBe('pdf');
    const result = await extractInline({ bytes, name: 'report.txt', contentType: 'text/plain' });
    expect(result).toMatchObject({ format: 'pdf', title: 'Sniffed', content: 'PDF body text' });
  });

  it('recognises DOCX by word/document.xml inside the zip, whatever it is called', async () => {
    expect(detectFormat({ bytes: dir.file('memo.bin', docx), name: 'memo.bin' })).toBe('docx');
    expect(detectFormat({ bytes: docx })).toBe('docx');
  });

  it('recognises HTML by its doctype or <html> even when named .md or .json', () => {
    expect(detectFormat({ bytes: utf8(HTML_PAGE), name: 'page.md' })).toBe('html');
    expect(detectFormat({ bytes: utf8('  <html><body>x</body></html>'), name: 'data.json' })).toBe('html');
    expect(detectFormat({ bytes: utf8('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>') })).toBe('html');
  });

  it('lets an explicit format win over the bytes and every hint', () => {
    expect(detectFormat({ bytes: pdf, name: 'a.pdf', contentType: 'application/pdf', format: 'text' })).toBe('text');
    expect(detectFormat({ bytes: utf8(HTML_PAGE), format: 'markdown' })).toBe('markdown');
  });

  it('uses the content type before the extension, ignoring its parameters', () => {
    expect(detectFormat({ bytes: utf8('a,b\n1,2'), name: 'data.txt', contentType: 'text/csv; charset=utf-8' })).toBe('csv');
    expect(detectFormat({ bytes: utf8('# T'), name: 'x.txt', contentType: 'application/octet-stream' })).toBe('text');
  });

  it('maps extensions, reading URL paths without their query or fragment', () => {
    expect(detectFormat({ bytes: utf8('a'), name: 'notes.markdown' })).toBe('markdown');
    expect(detectFormat({ bytes: utf8('a'), name: 'https://example.org/doc/readme.md?raw=1#top' })).toBe('markdown');
    expect(detectFormat({ bytes: utf8('a\tb'), name: 'x.TSV' })).toBe('csv');
    expect(detectFormat({ bytes: utf8('{"a":1}'), name: 'x.ndjson' })).toBe('jsonl');
    expect(detectFormat({ bytes: utf8('plain words'), name: 'x.log' })).toBe('text');
  });

  it('tells JSON from JSONL by shape, with or without a .json name', () => {
    expect(detectFormat({ bytes: utf8(JSON_DOC) })).toBe('json');
    expect(detectFormat({ bytes: utf8(JSONL_DOC) })).toBe('jsonl');
    expect(detectFormat({ bytes: utf8(JSONL_DOC), name: 'rows.json' })).toBe('jsonl');
    expect(detectFormat({ bytes: utf8('{"broken": '), name: 'x.json' })).toBe('json');
    // Text served as JSON that cannot be JSON is read as what it is; a .jsonl name is kept, so the error names the line.
    expect(detectFormat({ bytes: utf8('Internal Server Error'), contentType: 'application/json' })).toBe('text');
    expect(detectFormat({ bytes: utf8('"a":1}\n{"a":2}'), name: 'rows.jsonl' })).toBe('jsonl');
  });

  it('recognises Markdown by front matter or headings, a tab-separated table as CSV, and anything else as text', () => {
    expect(detectFormat({ bytes: utf8(MARKDOWN_DOC) })).toBe('markdown');
    expect(detectFormat({ bytes: utf8('Intro\n\n## Section\ntext') })).toBe('markdown');
    expect(detectFormat({ bytes: utf8('a\tb\tc\n1\t2\t3\n4\t5\t6\n') })).toBe('csv');
    expect(detectFormat({ bytes: utf8('Dear Ada, thanks; see you.\nBest, G.') })).toBe('text');
    expect(detectFormat({ bytes: new Uint8Array(0) })).toBe('text');
    // A name with an extension this package does not know is text, comments that look like headings or not.
    expect(detectFormat({ bytes: utf8('# a comment\nprint(1)\n'), name: 'tool.py' })).toBe('text');
    expect(detectFormat({ bytes: utf8('{"type":"FeatureCollection","name":"x"}'), name: 'map.geojson' })).toBe('json');
  });

  it('is UNSUPPORTED_FORMAT for binary data, images and non-Word zips, naming the source', async () => {
    const blob = new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 256);
    const error = await expectExtractError(extractInline({ bytes: dir.file('blob.dat', blob), name: 'blob.dat' }), 'UNSUPPORTED_FORMAT');
    expect(error.message).toContain('"blob.dat" looks like binary data');
    expect(error.data).toEqual({ name: 'blob.dat' });
    for (const bytes of [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0])]) {
      expect(() => detectFormat({ bytes, name: 'x.txt' })).toThrow(expect.objectContaining({ code: 'UNSUPPORTED_FORMAT' }));
    }
  });

  it('hands damaged binary named .pdf or .docx to that format\'s parser, so the error says what is wrong', async () => {
    const junk = new Uint8Array(2048).map((_, i) => (i * 31) % 256);
    expect(detectFormat({ bytes: junk, name: 'broken.pdf' })).toBe('pdf');
    expect(detectFormat({ bytes: junk, name: 'broken.docx' })).toBe('docx');
    const error = await extractInline({ bytes: junk, name: 'broken.pdf' }).catch((caught: unknown) => caught);
    expect(isExtractError(error, 'EXTRACT_FAILED')).toBe(true);
  });

  it('keeps text with a stray NUL as text', () => {
    expect(detectFormat({ bytes: utf8('A long enough line of ordinary text\u0000 with one NUL in it.') })).toBe('text');
  });
});
