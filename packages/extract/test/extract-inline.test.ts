import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_OUTPUT_CHARS, EXTRACT_ERROR_CODES, extractInline, isExtractError } from '../src/index.js';
import { expectExtractError, utf8 } from './helpers.js';

describe('extractInline', () => {
  it('has the documented default limits', () => {
    expect(DEFAULT_MAX_INPUT_BYTES).toBe(50 * 1024 * 1024);
    expect(DEFAULT_MAX_OUTPUT_CHARS).toBe(10_000_000);
  });

  it('is TOO_LARGE above maxInputBytes and extracts at exactly the limit', async () => {
    const bytes = utf8('x'.repeat(101));
    const error = await expectExtractError(extractInline({ bytes, name: 'big.txt' }, { maxInputBytes: 100 }), 'TOO_LARGE');
    expect(error.data).toEqual({ name: 'big.txt', bytes: 101, limit: 100 });
    expect(error.message).toContain('raise maxInputBytes');
    expect((await extractInline({ bytes: bytes.subarray(1) }, { maxInputBytes: 100 })).content).toHaveLength(100);
  });

  it('cuts content at maxOutputChars and reports it in metadata, never silently', async () => {
    const result = await extractInline({ bytes: utf8('abcdefghij'.repeat(10)), name: 'a.txt' }, { maxOutputChars: 25 });
    expect(result.content).toBe('abcdefghijabcdefghijabcde');
    expect(result.metadata).toEqual({ encoding: 'utf-8', truncated: true, original_chars: 100 });
    const whole = await extractInline({ bytes: utf8('abcdefghij'), name: 'b.txt' }, { maxOutputChars: 10 });
    expect(whole.metadata).toEqual({ encoding: 'utf-8' });
  });

  it('does not split a surrogate pair when cutting', async () => {
    const result = await extractInline({ bytes: utf8('ab😀cd'), name: 'e.txt' }, { maxOutputChars: 3 });
    expect(result.content).toBe('ab');
    expect(result.metadata.truncated).toBe(true);
  });

  it('cuts a title over 1,000 characters and says so', async () => {
    const result = await extractInline({ bytes: utf8(`# ${'t'.repeat(1500)}\n\nbody`), name: 'long.md' });
    expect(result.title).toHaveLength(1000);
    expect(result.metadata.title_truncated).toBe(true);
  });

  it('rejects a malformed input or option with INVALID_INPUT / INVALID_OPTIONS naming the field', async () => {
    const bad = await expectExtractError(extractInline({ bytes: 'text' as unknown as Uint8Array }), 'INVALID_INPUT');
    expect(bad.data).toEqual({ field: 'bytes' });
    const format = await expectExtractError(extractInline({ bytes: utf8('x'), format: 'rtf' as never }), 'INVALID_INPUT');
    expect(format.data).toEqual({ field: 'format' });
    const option = await expectExtractError(extractInline({ bytes: utf8('x') }, { maxOutputChars: 0 }), 'INVALID_OPTIONS');
    expect(option.data).toEqual({ option: 'maxOutputChars' });
  });

  it('accepts a Buffer and a view into a larger buffer, reading only the view', async () => {
    const buffer = Buffer.from('skip|keep this|skip');
    expect((await extractInline({ bytes: buffer.subarray(5, 14), name: 'v.txt' })).content).toBe('keep this');
  });

  it('turns any parser failure into EXTRACT_FAILED naming the source and format, keeping the cause', async () => {
    const error = await expectExtractError(extractInline({ bytes: utf8('{"a":'), name: 'x.json', format: 'jsonl' }), 'EXTRACT_FAILED');
    expect(error.data).toEqual({ name: 'x.json', line: 1 });
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(EXTRACT_ERROR_CODES).toContain(error.code);
    expect(isExtractError(error, 'EXTRACT_FAILED')).toBe(true);
    expect(isExtractError(error, 'TOO_LARGE')).toBe(false);
    expect(isExtractError(new Error('x'))).toBe(false);
  });
});

describe('extractInline without a name', () => {
  it('describes the source as "the document" in EXTRACT_FAILED and EMPTY_CONTENT, with no name in the data', async () => {
    const failed = await expectExtractError(extractInline({ bytes: utf8('not a zip archive'), format: 'docx' }), 'EXTRACT_FAILED');
    expect(failed.data).toEqual({ format: 'docx' });
    expect(failed.message).toMatch(/^Could not extract text from the document as docx: .+\. The file may be damaged or not really docx/);
    const empty = await expectExtractError(extractInline({ bytes: utf8(' \n\t\n'), format: 'text' }), 'EMPTY_CONTENT');
    expect(empty.data).toEqual({ format: 'text' });
    expect(empty.message).toBe('the document has no text to extract as text. Skip it, or check that it holds text.');
  });

  it('is ABORTED when the signal fires while the format is being extracted, keeping the reason', async () => {
    const controller = new AbortController();
    const running = extractInline({ bytes: utf8('Some text'), name: 'late.txt' }, { signal: controller.signal });
    controller.abort(new Error('stop now'));
    const error = await expectExtractError(running, 'ABORTED');
    expect(error.data).toEqual({ name: 'late.txt' });
    expect((error.cause as Error).message).toBe('stop now');
  });

  it('names the whole input or options when they are not objects at all', async () => {
    const input = await expectExtractError(extractInline(null as never), 'INVALID_INPUT');
    expect(input.data).toEqual({ field: 'input' });
    const options = await expectExtractError(extractInline({ bytes: utf8('x') }, 5 as never), 'INVALID_OPTIONS');
    expect(options.data).toEqual({ option: 'options' });
  });
});
