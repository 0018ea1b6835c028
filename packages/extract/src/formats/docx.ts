// DOCX via mammoth's raw text (paragraphs, tables, lists in reading order); title and properties from docProps/core.xml.
import { isTag, isText, type AnyNode } from 'domhandler';
import { unzipSync } from 'fflate';
import { parseDocument } from 'htmlparser2';
import mammoth from 'mammoth';
import { ExtractError, describeSource } from '../extract-error.js';
import { firstLine } from '../text/first-line.js';
import type { FormatExtractor } from './format-extractor.js';

// A Word file rarely unpacks to more than a few times its size; a declared total beyond this is a zip bomb.
const MAX_UNPACKED_BYTES = 1024 * 1024 * 1024;
const CORE_FIELDS: Readonly<Record<string, string>> = {
  creator: 'author',
  subject: 'subject',
  keywords: 'keywords',
  description: 'description',
  lastmodifiedby: 'last_modified_by',
  created: 'created',
  modified: 'modified',
};

/**
 * Extracts DOCX text with mammoth (paragraphs separated by a blank line). Title: the core property dc:title, else the
 * first paragraph. Metadata: `author`, `subject`, `keywords`, `description`, `last_modified_by`, `created`,
 * `modified` when the core properties have them.
 */
export const extractDocx: FormatExtractor = async (bytes, context) => {
  const core = readCoreProperties(bytes, context.name);
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const result = await mammoth.extractRawText({ buffer });
  const content = result.value;
  const { title, ...metadata } = core;
  return { title: title ?? firstLine(content), content, metadata };
};

// Reads docProps/core.xml; a damaged or missing part only means no properties (mammoth decides if the text is readable).
function readCoreProperties(bytes: Uint8Array, name: string | undefined): Record<string, string> & { title?: string } {
  let unpacked = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        unpacked += file.originalSize;
        return file.name === 'docProps/core.xml' && file.originalSize < 4 * 1024 * 1024;
      },
    });
  } catch {
    return {};
  }
  if (unpacked > MAX_UNPACKED_BYTES) {
    throw new ExtractError('TOO_LARGE', `${describeSource(name)} declares ${unpacked} bytes unpacked, over the ${MAX_UNPACKED_BYTES}-byte limit for DOCX files, so it was not unpacked. It is a zip bomb or a damaged file; check where it came from.`, {
      data: { ...(name === undefined ? {} : { name }), unpacked_bytes: unpacked, limit: MAX_UNPACKED_BYTES },
    });
  }
  const xml = files['docProps/core.xml'];
  if (xml === undefined) return {};
  const out: Record<string, string> & { title?: string } = {};
  const stack: AnyNode[] = [parseDocument(new TextDecoder().decode(xml), { xmlMode: true })];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (isTag(node)) {
      const local = node.name.slice(node.name.indexOf(':') + 1).toLowerCase();
      const key = local === 'title' ? 'title' : CORE_FIELDS[local];
      const value = key === undefined ? '' : ownText(node.children).trim();
      if (key !== undefined) {
        if (value !== '') out[key] ??= value;
        continue;
      }
    }
    if ('children' in node) for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return out;
}

function ownText(nodes: readonly AnyNode[]): string {
  return nodes.map((node) => (isText(node) ? node.data : '')).join('');
}
