// Markdown: a leading YAML front matter block becomes metadata; the title is front matter `title` or the first heading.
import { parse as parseYaml } from 'yaml';
import { decodeText } from '../text/decode-text.js';
import { jsonSafe, jsonSafeRecord } from '../text/json-safe.js';
import type { FormatExtractor } from './format-extractor.js';

// Front matter is a few lines of keys; a bigger block is more likely a mistake than metadata worth parsing.
const MAX_FRONT_MATTER_CHARS = 64 * 1024;
// Headings are matched on a line's first characters only: the title needs no more, and the regexes stay linear.
const MAX_HEADING_LINE = 2048;
const FRONT_MATTER = /^---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/;

/**
 * Extracts Markdown, keeping its syntax in `content` (it reads as text). Front matter keys are spread into
 * `metadata` (the keys the extractor sets itself, such as `encoding`, win); front matter that is not a YAML mapping
 * is ignored and explained in `metadata.front_matter_error`.
 */
export const extractMarkdown: FormatExtractor = async (bytes) => {
  const { text, encoding } = decodeText(bytes);
  const { frontMatter, error, body } = splitFrontMatter(text);
  const fmTitle = frontMatter?.title;
  const title = typeof fmTitle === 'string' || typeof fmTitle === 'number' ? String(fmTitle) : firstHeading(body);
  return {
    title,
    content: body,
    metadata: { ...frontMatter, encoding, ...(error === undefined ? {} : { front_matter_error: error }) },
  };
};

interface FrontMatterSplit {
  readonly frontMatter: Record<string, unknown> | undefined;
  readonly error: string | undefined;
  readonly body: string;
}

function splitFrontMatter(text: string): FrontMatterSplit {
  const match = FRONT_MATTER.exec(text);
  if (match === null) return { frontMatter: undefined, error: undefined, body: text };
  const body = text.slice(match[0].length);
  const source = match[1] ?? '';
  if (source.length > MAX_FRONT_MATTER_CHARS) {
    return { frontMatter: undefined, error: `front matter over ${MAX_FRONT_MATTER_CHARS} characters was not parsed`, body };
  }
  let parsed: unknown;
  try {
    // The core schema keeps dates as strings and has no custom tags; the alias cap stops "billion laughs" blocks.
    parsed = parseYaml(source, { schema: 'core', maxAliasCount: 100, prettyErrors: false });
  } catch (error) {
    return { frontMatter: undefined, error: `front matter is not valid YAML: ${errorLine(error)}`, body };
  }
  if (parsed === null || parsed === undefined) return { frontMatter: undefined, error: undefined, body };
  const record = jsonSafeRecord(parsed);
  if (record === null) {
    return { frontMatter: undefined, error: `front matter is a YAML ${describe(jsonSafe(parsed))}, not a mapping of keys`, body };
  }
  return { frontMatter: record, error: undefined, body };
}

/** The first ATX (`# Title`) or setext (`Title` over `===`) heading outside fenced code, without inline markup. */
export function firstHeading(markdown: string): string | null {
  const lines = markdown.split(/\r?\n|\r/);
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').slice(0, MAX_HEADING_LINE);
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch !== null) {
      const marker = fenceMatch[1] ?? '';
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const atx = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (atx !== null && (atx[1] ?? '').trim() !== '') return stripInline(atx[1] ?? '');
    const next = lines[i + 1]?.slice(0, MAX_HEADING_LINE);
    if (line.trim() !== '' && next !== undefined && /^ {0,3}(=+|-+)[ \t]*$/.test(next) && !/^ {0,3}[-*+>]/.test(line)) {
      return stripInline(line.trim());
    }
  }
  return null;
}

function stripInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|_|`|~~)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .trim();
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'list' : typeof value;
}

function errorLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}
