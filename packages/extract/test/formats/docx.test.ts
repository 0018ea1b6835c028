import { strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { makeDocx } from '../fixtures.js';
import { expectExtractError, tempDir } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('docx extraction', () => {
  it('extracts paragraphs and table cells, with the title and author from the core properties', async () => {
    const bytes = dir.file('memo.docx', await makeDocx({ title: 'Memo Title', creator: 'Grace', heading: 'Memo heading', paragraphs: ['First paragraph.', 'Second paragraph.'] }));
    const result = await extractInline({ bytes, name: 'memo.docx' });
    expect(result.format).toBe('docx');
    expect(result.title).toBe('Memo Title');
    expect(result.content).toBe('Memo heading\n\nFirst paragraph.\n\nSecond paragraph.\n\nCell A1\n\nCell B1');
    expect(result.metadata).toMatchObject({ author: 'Grace' });
    expect(typeof result.metadata.created).toBe('string');
  });

  it('takes the first paragraph as the title when the core properties have none', async () => {
    const result = await extractInline({ bytes: await makeDocx({ paragraphs: ['Opening words of the letter.', 'More.'] }), name: 'letter.docx' });
    expect(result.title).toBe('Opening words of the letter.');
  });

  it('still extracts the text when docProps/core.xml is missing', async () => {
    const files = unzipSync(await makeDocx({ title: 'Gone', paragraphs: ['Body survives.'] }));
    delete files['docProps/core.xml'];
    const result = await extractInline({ bytes: zipSync(files), name: 'nocore.docx' });
    expect(result.title).toBe('Body survives.');
    expect(result.metadata).toEqual({});
  });

  it('is EXTRACT_FAILED when word/document.xml is not XML', async () => {
    const files = unzipSync(await makeDocx({ paragraphs: ['x'] }));
    files['word/document.xml'] = strToU8('<w:document><w:body><w:p>unclosed');
    await expectExtractError(extractInline({ bytes: zipSync(files), name: 'broken.docx' }), 'EXTRACT_FAILED');
  });

  it('is TOO_LARGE for a zip that declares more than 1 GiB unpacked (a zip bomb), before inflating it', async () => {
    // 1.1 GiB of zeros is too much to build in a test; patch the declared sizes instead, which is what is checked.
    const bytes = zipSync({ ...unzipSync(await makeDocx({ paragraphs: ['x'] })), 'word/media/bomb.bin': new Uint8Array(1024) });
    patchDeclaredSize(bytes, 'word/media/bomb.bin', 0x7fff_ffff);
    const error = await expectExtractError(extractInline({ bytes, name: 'bomb.docx' }), 'TOO_LARGE');
    expect(error.data.limit).toBe(1024 * 1024 * 1024);
  });
});

// Sets the uncompressed size of `name` in the zip's central directory.
function patchDeclaredSize(zip: Uint8Array, name: string, size: number): void {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const wanted = new TextEncoder().encode(name);
  for (let i = 0; i < zip.length - 46; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(i + 28, true);
    const found = zip.subarray(i + 46, i + 46 + nameLength);
    if (nameLength === wanted.length && found.every((byte, j) => byte === wanted[j])) {
      view.setUint32(i + 24, size, true);
      return;
    }
  }
  throw new Error(`${name} not found in the central directory`);
}
