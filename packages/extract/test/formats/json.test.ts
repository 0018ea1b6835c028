import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { JSON_DOC, JSONL_DOC } from '../fixtures.js';
import { expectExtractError, tempDir, utf8 } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('json extraction', () => {
  it('joins every non-empty string value as a "path: value" line in document order, leaving numbers, booleans and nulls out', async () => {
    const result = await extractInline({ bytes: dir.file('report.json', JSON_DOC), name: 'report.json' });
    expect(result.format).toBe('json');
    expect(result.title).toBe('Quarterly report');
    expect(result.content).toBe(
      'title: Quarterly report\nsummary: Revenue grew.\nsections[0].heading: Sales\nsections[0].body: Up 10%\nsections[1].heading: Costs\nsections[1].body: Flat',
    );
    expect(result.content).not.toContain('42');
    expect(result.content).not.toContain('true');
    expect(result.metadata).toEqual({ text_fields: 6 });
  });

  it('takes a top-level name, headline or subject when there is no title, and no title from nested fields', async () => {
    expect((await extractInline({ bytes: utf8('{"Name":"Widget","x":"y"}'), name: 'a.json' })).title).toBe('Widget');
    expect((await extractInline({ bytes: utf8('{"inner":{"title":"Nested"}}'), name: 'b.json' })).title).toBeNull();
    expect((await extractInline({ bytes: utf8('["a","b"]'), name: 'c.json' })).content).toBe('[0]: a\n[1]: b');
    expect((await extractInline({ bytes: utf8('"just a string"'), name: 'd.json' })).content).toBe('just a string');
  });

  it('is EXTRACT_FAILED for invalid JSON, with the parser\'s message', async () => {
    const error = await expectExtractError(extractInline({ bytes: utf8('{"a": [1, 2'), name: 'bad.json' }), 'EXTRACT_FAILED');
    expect(error.message).toContain('"bad.json" is not valid JSON');
    expect(error.data).toEqual({ name: 'bad.json' });
  });

  it('is EMPTY_CONTENT for JSON without any text', async () => {
    await expectExtractError(extractInline({ bytes: utf8('{"n": 1, "ok": true, "s": "  "}'), name: 'n.json' }), 'EMPTY_CONTENT');
  });

  it('stays bounded on deeply nested JSON: long key paths are shortened, not repeated in full', async () => {
    const depth = 5000;
    const nested = `${'{"key":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
    const result = await extractInline({ bytes: utf8(nested), name: 'deep.json' });
    expect(result.content.endsWith('key.key: leaf')).toBe(true);
    expect(result.content.length).toBeLessThan(300);
  });

  it('stops collecting at maxOutputChars and reports the truncation', async () => {
    const many = JSON.stringify(Array.from({ length: 1000 }, (_, i) => `value number ${i}`));
    const result = await extractInline({ bytes: utf8(many), name: 'many.json' }, { maxOutputChars: 500 });
    expect(result.content.length).toBeLessThanOrEqual(500);
    expect(result.metadata.truncated).toBe(true);
    expect(result.content.startsWith('[0]: value number 0\n[1]: value number 1')).toBe(true);
  });
});

describe('jsonl extraction', () => {
  it('makes one document of the file: each line\'s text block separated by a blank line', async () => {
    const result = await extractInline({ bytes: dir.file('rows.jsonl', JSONL_DOC), name: 'rows.jsonl' });
    expect(result.format).toBe('jsonl');
    expect(result.title).toBeNull();
    expect(result.content).toBe('title: First\ntext: alpha beta\n\ntitle: Second\ntags[0]: x\ntags[1]: y\n\ntitle: Third\nnested.deep.text: gamma');
    expect(result.metadata).toEqual({ records: 3, text_fields: 7 });
  });

  it('names the broken line (1-based, blank lines counted) in the EXTRACT_FAILED error', async () => {
    const error = await expectExtractError(extractInline({ bytes: utf8('{"a":"1"}\n\n{"a":\n{"a":"4"}'), name: 'bad.jsonl' }), 'EXTRACT_FAILED');
    expect(error.message).toMatch(/^Line 3 of "bad.jsonl" is not valid JSON/);
    expect(error.data).toEqual({ name: 'bad.jsonl', line: 3 });
  });

  it('still parses the lines after the output budget is spent, so a broken line is reported', async () => {
    const lines = [...Array.from({ length: 50 }, (_, i) => JSON.stringify({ text: `row ${i}` })), '{broken'];
    const error = await expectExtractError(extractInline({ bytes: utf8(lines.join('\n')), name: 'late.jsonl' }, { maxOutputChars: 20 }), 'EXTRACT_FAILED');
    expect(error.data.line).toBe(51);
  });
});
