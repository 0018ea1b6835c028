// Text bytes as documents arrive: with a byte order mark, as UTF-8, or as legacy Windows-1252.
import { describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { decodeText, hasUtf16Bom } from '../../src/text/decode-text.js';

const utf16 = (text: string, endian: 'le' | 'be'): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  if (endian === 'be') le.swap16();
  return new Uint8Array(Buffer.concat([Buffer.from(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), le]));
};

describe('decodeText', () => {
  it('drops a UTF-8 byte order mark', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...Buffer.from('Grüße')]))).toEqual({ text: 'Grüße', encoding: 'utf-8' });
  });

  it('reads UTF-16 in either byte order from its byte order mark', () => {
    expect(decodeText(utf16('Zürich ☃', 'le'))).toEqual({ text: 'Zürich ☃', encoding: 'utf-16le' });
    expect(decodeText(utf16('Zürich ☃', 'be'))).toEqual({ text: 'Zürich ☃', encoding: 'utf-16be' });
    expect([hasUtf16Bom(utf16('a', 'le')), hasUtf16Bom(utf16('a', 'be')), hasUtf16Bom(Buffer.from('ab'))]).toEqual([true, true, false]);
  });

  it('reads bytes that are not UTF-8 as Windows-1252, smart quotes and euro sign included', () => {
    expect(decodeText(new Uint8Array([0x93, 0x48, 0x69, 0x94, 0x20, 0x80, 0x35, 0x20, 0xe9]))).toEqual({ text: '\u201cHi\u201d €5 é', encoding: 'windows-1252' });
  });

  it('treats bytes that only begin like a byte order mark as plain text', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0x41]))).toEqual({ text: '\u00ef\u00bbA', encoding: 'windows-1252' });
    expect(decodeText(new Uint8Array([0xfe, 0x41]))).toEqual({ text: '\u00feA', encoding: 'windows-1252' });
  });

  it('feeds extraction: a UTF-16 BE text file is extracted as text and reports its encoding', async () => {
    const result = await extractInline({ bytes: utf16('First line\nsecond line', 'be'), name: 'notes.txt' });
    expect(result).toMatchObject({ format: 'text', content: 'First line\nsecond line', metadata: { encoding: 'utf-16be' } });
  });
});
