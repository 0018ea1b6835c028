import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { TEXT_DOC } from '../fixtures.js';
import { expectExtractError, tempDir, utf8 } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('text extraction', () => {
  it('normalizes newlines, drops NULs, collapses blank lines and trims, with no title', async () => {
    const result = await extractInline({ bytes: dir.file('notes.txt', TEXT_DOC), name: 'notes.txt' });
    expect(result).toEqual({ format: 'text', title: null, content: 'Plain notes\nline two with a NUL\n\nafter blank lines\t tab', metadata: { encoding: 'utf-8' } });
  });

  it('decodes UTF-16 with a BOM, and Windows-1252 when the bytes are not UTF-8', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, ...[...'héllo'].flatMap((ch) => [ch.charCodeAt(0), 0])]);
    expect(await extractInline({ bytes: utf16, name: 'u.txt' })).toEqual({ format: 'text', title: null, content: 'héllo', metadata: { encoding: 'utf-16le' } });
    const legacy = new Uint8Array([...utf8('caf'), 0xe9, 0x20, 0x80, 0x20, 0x93, 0x71, 0x94, 0x20, 0x99]);
    expect(await extractInline({ bytes: legacy, name: 'l.txt' })).toMatchObject({ content: 'café € “q” ™', metadata: { encoding: 'windows-1252' } });
  });

  it('is EMPTY_CONTENT for a file of only whitespace and control characters', async () => {
    await expectExtractError(extractInline({ bytes: utf8(' \n\t\r\n  \n '), name: 'blank.txt' }), 'EMPTY_CONTENT');
    await expectExtractError(extractInline({ bytes: utf8('\u0001\u0002 \u0000'), name: 'controls.txt', format: 'text' }), 'EMPTY_CONTENT');
    await expectExtractError(extractInline({ bytes: new Uint8Array(0), name: 'zero.txt' }), 'EMPTY_CONTENT');
  });
});
