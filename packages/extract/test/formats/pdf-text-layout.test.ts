// How a PDF page's positioned text runs become lines: a new baseline starts a line, a gap on one baseline is a space.
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';

async function pdfWith(runs: readonly { text: string; x: number; y: number }[], options: { title?: string } = {}): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage();
  for (const run of runs) page.drawText(run.text, { x: run.x, y: run.y, font, size: 12 });
  if (options.title !== undefined) doc.setTitle(options.title);
  return doc.save();
}

describe('pdf text layout', () => {
  it('joins runs apart on one baseline with a space, and starts a line at each new baseline', async () => {
    const font = await (await PDFDocument.create()).embedFont(StandardFonts.Helvetica);
    const bytes = await pdfWith([
      { text: 'Left', x: 20, y: 700 },
      { text: 'right', x: 200, y: 700 },
      { text: 'Below', x: 20, y: 600 },
      { text: ' spaced', x: 300, y: 600 },
      { text: 'touching', x: 20, y: 500 },
      { text: 'word', x: 20 + font.widthOfTextAtSize('touching', 12), y: 500 },
    ]);
    const result = await extractInline({ bytes });
    expect(result.content).toBe('Left right\nBelow spaced\ntouchingword');
    expect(result.format).toBe('pdf');
  });

  it('takes the first line as the title when the info title is blank', async () => {
    const result = await extractInline({ bytes: await pdfWith([{ text: 'The real heading', x: 20, y: 700 }], { title: '   ' }) });
    expect(result.title).toBe('The real heading');
    expect(result.metadata).not.toHaveProperty('title');
  });
});
