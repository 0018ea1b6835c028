// Which format a source is: content sniffing first for what bytes can prove, then content type and extension.
import { checkInput } from './check-input.js';
import { ExtractError, describeSource } from './extract-error.js';
import type { ExtractFormat } from './extract-format.js';
import type { ExtractInput } from './extractor.js';
import { decodeText, hasUtf16Bom } from './text/decode-text.js';

const SNIFF_BYTES = 8 * 1024;

const BY_EXTENSION: Readonly<Record<string, ExtractFormat>> = {
  txt: 'text', text: 'text', log: 'text',
  md: 'markdown', markdown: 'markdown', mdown: 'markdown', mkd: 'markdown', mdx: 'markdown',
  html: 'html', htm: 'html', xhtml: 'html',
  json: 'json',
  jsonl: 'jsonl', ndjson: 'jsonl',
  csv: 'csv', tsv: 'csv',
  pdf: 'pdf',
  docx: 'docx',
};

const BY_CONTENT_TYPE: Readonly<Record<string, ExtractFormat>> = {
  'text/plain': 'text',
  'text/markdown': 'markdown', 'text/x-markdown': 'markdown',
  'text/html': 'html', 'application/xhtml+xml': 'html',
  'application/json': 'json', 'text/json': 'json',
  'application/x-ndjson': 'jsonl', 'application/jsonl': 'jsonl', 'application/x-jsonlines': 'jsonl', 'application/jsonlines': 'jsonl',
  'text/csv': 'csv', 'text/tab-separated-values': 'csv',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
};

// Signatures of binary files that no supported format can hold.
const BINARY_MAGIC: readonly (readonly number[])[] = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x1f, 0x8b], // gzip
  [0x37, 0x7a, 0xbc, 0xaf], // 7z
  [0x7f, 0x45, 0x4c, 0x46], // ELF
  [0xd0, 0xcf, 0x11, 0xe0], // OLE2 (.doc, .xls)
  [0x52, 0x61, 0x72, 0x21], // RAR
];

/**
 * The format of `input`. An explicit `format` wins. Otherwise what the bytes prove wins over a lying name: `%PDF-`
 * is pdf, a zip holding word/document.xml is docx, `<!doctype html` / `<html` is html. Then the content type, then
 * the name's extension; without either, JSON / JSONL shapes, then (unless the name has an extension this package does
 * not know, which makes it text) Markdown front matter or headings and a regular tab-separated table are recognised,
 * and anything else that decodes as text is text. Binary data that is none of
 * these is UNSUPPORTED_FORMAT.
 */
export function detectFormat(unchecked: ExtractInput): ExtractFormat {
  const input = checkInput(unchecked);
  if (input.format !== undefined) return input.format;
  const { bytes } = input;
  const head = bytes.subarray(0, SNIFF_BYTES);
  if (indexOf(bytes.subarray(0, 1024), PDF_MAGIC) !== -1) return 'pdf';
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04])) {
    if (indexOf(bytes, WORD_DOCUMENT) !== -1) return 'docx';
    throw unsupported(input, 'a zip archive that is not a Word document (no word/document.xml)');
  }
  if (BINARY_MAGIC.some((magic) => startsWith(head, magic))) throw unsupported(input, 'a binary file of an unsupported type');
  const hinted = hintedFormat(input);
  if (looksBinary(head)) {
    // A damaged PDF or DOCX is still that format: its own parser says what is wrong with it.
    if (hinted === 'pdf' || hinted === 'docx') return hinted;
    throw unsupported(input, 'binary data');
  }
  const text = decodeText(head).text.replace(/^\ufeff/, '');
  const start = text.trimStart().slice(0, 1024).toLowerCase();
  if (start.startsWith('<!doctype html') || start.startsWith('<html') || (start.startsWith('<?xml') && start.includes('<html'))) return 'html';
  const jsonShaped = start.startsWith('{') || start.startsWith('[');
  // A JSON content type on text that cannot be JSON (an error page served as application/json) is ignored; a .json
  // or .jsonl name is kept, so a broken file gets an error that names the problem.
  const trusted = (hinted === 'json' || hinted === 'jsonl') && !jsonShaped && hintedByType(input) ? undefined : hinted;
  if (trusted !== undefined && trusted !== 'pdf' && trusted !== 'docx') return refineJson(trusted, input.bytes);
  if (jsonShaped) return sniffJson(input.bytes) ?? 'text';
  // An extension we do not know (.py, .yaml, .conf) is a file that is text, whatever its comments look like.
  if (extensionOf(input.name) !== undefined) return 'text';
  if (/^---[ \t]*\r?\n/.test(text) || /^ {0,3}#{1,6}[ \t]+\S/m.test(text)) return 'markdown';
  if (start.startsWith('<') && /<(head|body|p|div|h1|h2|table|ul|article|main|section)[\s>]/.test(start)) return 'html';
  if (looksTabular(text)) return 'csv';
  return 'text';
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-
const WORD_DOCUMENT = [...'word/document.xml'].map((ch) => ch.charCodeAt(0));

function hintedByType(input: ExtractInput): boolean {
  const type = input.contentType?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && BY_CONTENT_TYPE[type] !== undefined;
}

function hintedFormat(input: ExtractInput): ExtractFormat | undefined {
  const type = input.contentType?.split(';')[0]?.trim().toLowerCase();
  const byType = type === undefined ? undefined : BY_CONTENT_TYPE[type];
  if (byType !== undefined) return byType;
  const extension = extensionOf(input.name);
  return extension === undefined ? undefined : BY_EXTENSION[extension];
}

// Names may be URL paths: the extension is read before any query or fragment.
function extensionOf(name: string | undefined): string | undefined {
  const path = name?.split(/[?#]/)[0] ?? '';
  return /\.([a-z0-9]+)$/i.exec(path.slice(path.lastIndexOf('/') + 1))?.[1]?.toLowerCase();
}

// A .json that holds one value per line is JSONL, and a one-line .jsonl is valid JSON: the shape decides between them.
function refineJson(hinted: ExtractFormat, bytes: Uint8Array): ExtractFormat {
  if (hinted !== 'json') return hinted;
  return sniffJson(bytes) ?? 'json';
}

function sniffJson(bytes: Uint8Array): 'json' | 'jsonl' | undefined {
  const text = decodeText(bytes).text;
  if (parses(text)) return 'json';
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length >= 2 && parses(lines[0]!)) return 'jsonl';
  return undefined;
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// Tabs as the separator only: commas and semicolons are too common in prose to prove a table.
function looksTabular(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line !== '').slice(0, 20);
  if (lines.length < 3) return false;
  const counts = lines.slice(0, -1).map((line) => line.split('\t').length - 1);
  return counts[0]! > 0 && counts.every((count) => count === counts[0]);
}

// Text has few control bytes; more than 1 in 20 (NUL included, outside UTF-16) means binary. A stray NUL in a text
// file does not: normalization drops it.
function looksBinary(head: Uint8Array): boolean {
  if (head.length === 0 || hasUtf16Bom(head)) return false;
  let control = 0;
  for (const byte of head) {
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) || byte === 0x7f) control++;
  }
  return control * 20 > head.length;
}

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  return magic.every((byte, i) => bytes[i] === byte);
}

function indexOf(bytes: Uint8Array, needle: readonly number[]): number {
  const first = needle[0]!;
  for (let i = bytes.indexOf(first); i !== -1 && i <= bytes.length - needle.length; i = bytes.indexOf(first, i + 1)) {
    if (needle.every((byte, j) => bytes[i + j] === byte)) return i;
  }
  return -1;
}

function unsupported(input: ExtractInput, what: string): ExtractError {
  return new ExtractError(
    'UNSUPPORTED_FORMAT',
    `${describeSource(input.name)} looks like ${what}, which cannot be extracted. Supported formats: text, markdown, html, json, jsonl, csv, pdf, docx; pass \`format\` if the file really is one of them.`,
    { data: input.name === undefined ? {} : { name: input.name } },
  );
}
