import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { cjkPdf, makePdf, rawPdf } from '../fixtures.js';
import { expectExtractError, tempDir, utf8 } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('pdf extraction', () => {
  it('extracts text per page, the info title and the page count', async () => {
    const bytes = dir.file('almanac.pdf', await makePdf({ title: 'Moon Almanac', author: 'Ada', pages: [['Page one text', 'second line'], ['Page two text'], ['Third']] }));
    const result = await extractInline({ bytes, name: 'almanac.pdf' });
    expect(result.format).toBe('pdf');
    expect(result.title).toBe('Moon Almanac');
    expect(result.content).toBe('Page one text\nsecond line\n\nPage two text\n\nThird');
    expect(result.metadata).toMatchObject({ page_count: 3, author: 'Ada', created: '2024-05-01T10:00:00.000Z', modified: '2024-05-02T11:30:00.000Z', pdf_version: '1.7' });
  });

  it('takes the first line as the title when the document info has none, from a hand-written classic-xref PDF', async () => {
    const bytes = dir.file('raw.pdf', rawPdf(['First line on page one', 'Page two (with parens)']));
    const result = await extractInline({ bytes, name: 'raw.pdf' });
    expect(result.title).toBe('First line on page one');
    expect(result.content).toBe('First line on page one\n\nPage two (with parens)');
    expect(result.metadata).toEqual({ page_count: 2, pdf_version: '1.4' });
  });

  it('reads the info dictionary of a hand-written PDF', async () => {
    const result = await extractInline({ bytes: rawPdf(['Body'], 'Hand Title'), name: 'info.pdf' });
    expect(result.title).toBe('Hand Title');
    expect(result.metadata.author).toBe('Hand Writer');
  });

  it('reads CJK text through pdf.js\'s bundled CMaps from disk and never calls fetch (fetch replaced by a recorder)', async () => {
    const original = globalThis.fetch;
    const fetched: unknown[] = [];
    globalThis.fetch = async (input: unknown) => {
      fetched.push(input);
      throw new Error('no network in extraction');
    };
    try {
      const result = await extractInline({ bytes: cjkPdf('日本語テキスト'), name: 'cjk.pdf' });
      expect(result.content).toBe('日本語テキスト');
      expect(result.title).toBe('日本語テキスト');
    } finally {
      globalThis.fetch = original;
    }
    expect(fetched).toEqual([]);
  });

  it('is EMPTY_CONTENT for a PDF with pages but no text layer', async () => {
    const doc = await PDFDocument.create();
    doc.addPage();
    const error = await expectExtractError(extractInline({ bytes: await doc.save(), name: 'scan.pdf' }), 'EMPTY_CONTENT');
    expect(error.message).toContain('OCR is not supported');
  });

  it('is EXTRACT_FAILED for bytes that start like a PDF but are not one', async () => {
    const error = await expectExtractError(extractInline({ bytes: utf8('%PDF-1.7\nthis is not a pdf at all\n'), name: 'fake.pdf' }), 'EXTRACT_FAILED');
    expect(error.data).toEqual({ name: 'fake.pdf', format: 'pdf' });
  });

  it('is EXTRACT_FAILED with reason "password" for a PDF that needs a password', async () => {
    // A Standard security handler whose /U does not match the empty password: pdf.js asks for a password.
    const locked = Buffer.from(rawPdf(['Secret page'])).toString('latin1').replace(
      '/Root 1 0 R',
      `/Root 1 0 R /Encrypt << /Filter /Standard /V 1 /R 2 /O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> /P -4 >> /ID [<${'01'.repeat(16)}> <${'01'.repeat(16)}>]`,
    );
    const error = await expectExtractError(extractInline({ bytes: new Uint8Array(Buffer.from(locked, 'latin1')), name: 'locked.pdf' }), 'EXTRACT_FAILED');
    expect(error.data).toEqual({ name: 'locked.pdf', reason: 'password' });
    expect(error.message).toContain('password-protected');
  });

  it('stops reading pages once maxOutputChars is reached and says so', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (let i = 0; i < 20; i++) doc.addPage().drawText(`Page ${i} ${'words '.repeat(10)}`, { x: 20, y: 700, font, size: 8 });
    const result = await extractInline({ bytes: await doc.save(), name: 'long.pdf' }, { maxOutputChars: 100 });
    expect(result.content.length).toBeLessThanOrEqual(100);
    expect(result.content.startsWith('Page 0 words')).toBe(true);
    expect(result.metadata.truncated).toBe(true);
    expect(result.metadata.page_count).toBe(20);
  });

  it('is ABORTED when the signal fires before extraction starts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user cancelled'));
    const error = await expectExtractError(extractInline({ bytes: rawPdf(['x']), name: 'a.pdf' }, { signal: controller.signal }), 'ABORTED');
    expect((error.cause as Error).message).toBe('user cancelled');
  });
});
