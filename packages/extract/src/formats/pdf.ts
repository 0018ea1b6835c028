// PDF via Mozilla's pdf.js (legacy build, which runs on Node 20): text per page, title from the document info.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PDFDateString, VerbosityLevel, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { ExtractError, abortedError, describeSource } from '../extract-error.js';
import { firstLine } from '../text/first-line.js';
import type { FormatExtractor } from './format-extractor.js';

// CMaps (CJK text) and standard font metrics are read from pdfjs-dist's own folders, so pdf.js never fetches anything.
const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
const CMAP_DIR = `${join(pdfjsRoot, 'cmaps')}/`;
const STANDARD_FONT_DIR = `${join(pdfjsRoot, 'standard_fonts')}/`;

const INFO_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['Author', 'author'],
  ['Subject', 'subject'],
  ['Keywords', 'keywords'],
  ['Creator', 'creator'],
  ['Producer', 'producer'],
];

/**
 * Extracts PDF text page by page (pages separated by a blank line). Title: the document info Title, else XMP
 * dc:title, else the first line of text. Metadata: `page_count`, `pdf_version`, and `author`, `subject`, `keywords`,
 * `creator`, `producer`, `created`, `modified` (ISO 8601) when present. Password-protected files are
 * EXTRACT_FAILED with `data.reason: "password"`.
 */
export const extractPdf: FormatExtractor = async (bytes, context) => {
  const task = getDocument({
    // pdf.js takes ownership of (and may detach) the buffer it is given: give it a copy.
    data: new Uint8Array(bytes),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    useWorkerFetch: false,
    useWasm: false,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    enableXfa: false,
    stopAtErrors: false,
    cMapUrl: CMAP_DIR,
    cMapPacked: true,
    standardFontDataUrl: STANDARD_FONT_DIR,
    // Errors only: pdf.js logs warnings through console, and a stdio MCP server's stdout is its protocol.
    verbosity: VerbosityLevel.ERRORS,
  });
  try {
    let document: Awaited<typeof task.promise>;
    try {
      document = await task.promise;
    } catch (error) {
      if ((error as { name?: unknown }).name === 'PasswordException') {
        throw new ExtractError('EXTRACT_FAILED', `${describeSource(context.name)} is a password-protected PDF. Remove the password and extract it again.`, {
          data: { ...(context.name === undefined ? {} : { name: context.name }), reason: 'password' },
          cause: error,
        });
      }
      throw error;
    }
    const pages: string[] = [];
    let chars = 0;
    let truncated = false;
    for (let number = 1; number <= document.numPages; number++) {
      if (context.signal?.aborted) throw abortedError(context.signal, context.name);
      if (chars >= context.maxChars) {
        truncated = true;
        break;
      }
      const page = await document.getPage(number);
      const text = pageText((await page.getTextContent()).items);
      page.cleanup();
      pages.push(text);
      chars += text.length + 2;
    }
    const content = pages.join('\n\n');
    const { info, metadata: xmp } = await document.getMetadata().catch(() => ({ info: {}, metadata: null }));
    const fields = info as Record<string, unknown>;
    const metadata: Record<string, unknown> = { page_count: document.numPages };
    if (typeof fields.PDFFormatVersion === 'string') metadata.pdf_version = fields.PDFFormatVersion;
    for (const [key, name] of INFO_FIELDS) {
      const value = fields[key];
      if (typeof value === 'string' && value.trim() !== '') metadata[name] = value.trim();
    }
    const created = pdfDate(fields.CreationDate);
    if (created !== null) metadata.created = created;
    const modified = pdfDate(fields.ModDate);
    if (modified !== null) metadata.modified = modified;
    if (truncated) metadata.truncated = true;
    const infoTitle = typeof fields.Title === 'string' && fields.Title.trim() !== '' ? fields.Title : null;
    const xmpTitle = xmp?.get('dc:title');
    const title = infoTitle ?? (typeof xmpTitle === 'string' && xmpTitle.trim() !== '' ? xmpTitle : null) ?? firstLine(content);
    return { title, content, metadata };
  } finally {
    await task.destroy().catch(() => undefined);
  }
};

// Joins a page's text items into lines: a change of baseline starts a line, a horizontal gap becomes a space.
function pageText(items: ReadonlyArray<TextItem | object>): string {
  const lines: string[] = [];
  let line = '';
  let lastY: number | undefined;
  let lastEnd: number | undefined;
  let lastHeight = 0;
  for (const item of items) {
    if (!('str' in item)) continue;
    const x = item.transform[4] ?? 0;
    const y = item.transform[5] ?? 0;
    const height = Math.abs(item.height) || Math.abs(item.transform[3] ?? 0) || 1;
    if (lastY !== undefined && Math.abs(y - lastY) > Math.max(height, lastHeight) * 0.5) {
      lines.push(line);
      line = '';
      lastEnd = undefined;
    } else if (lastEnd !== undefined && x - lastEnd > height * 0.15 && !/\s$/.test(line) && !/^\s/.test(item.str)) {
      line += ' ';
    }
    line += item.str;
    if (item.hasEOL) {
      lines.push(line);
      line = '';
      lastY = undefined;
      lastEnd = undefined;
    } else {
      lastY = y;
      lastEnd = x + item.width;
      lastHeight = height;
    }
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

function pdfDate(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const date = PDFDateString.toDateObject(value);
  return date === null || Number.isNaN(date.getTime()) ? null : date.toISOString();
}
