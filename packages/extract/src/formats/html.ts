// HTML: the main readable text (page chrome, scripts and styles left out) and the title, via htmlparser2's DOM.
import type { AnyNode, Element } from 'domhandler';
import { isCDATA, isTag, isText } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { decodeText } from '../text/decode-text.js';
import type { FormatExtractor } from './format-extractor.js';

// Never text a reader sees, wherever they are.
const ALWAYS_DROP = new Set([
  'script', 'style', 'noscript', 'template', 'head', 'title', 'svg', 'math', 'iframe', 'object', 'embed', 'canvas',
  'audio', 'video', 'map', 'datalist',
]);
// Page chrome: dropped from the main text. header/footer only at page level (inside an article they carry its heading).
const CHROME = new Set(['nav', 'aside', 'form', 'button', 'select', 'input', 'textarea', 'dialog', 'menu']);
const PAGE_LEVEL_CHROME = new Set(['header', 'footer']);
const CHROME_ROLES = new Set(['navigation', 'banner', 'contentinfo', 'complementary', 'search', 'menu', 'menubar', 'toolbar', 'dialog']);
const SECTIONING = new Set(['article', 'main', 'section', 'aside', 'nav']);
// Blocks that separate paragraphs (a blank line) and blocks that only start a new line.
const PARAGRAPH = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'ul', 'ol', 'dl', 'table', 'figure', 'section',
  'article', 'main', 'header', 'footer', 'address', 'hr', 'details', 'fieldset', 'hgroup',
]);
const LINE = new Set([
  'div', 'li', 'tr', 'br', 'dt', 'dd', 'figcaption', 'caption', 'summary', 'legend', 'center', 'body', 'html', 'option',
  'thead', 'tbody', 'tfoot', 'nav', 'aside', 'form', 'label',
]);
const CELL = new Set(['td', 'th']);

/**
 * Extracts HTML: the text of `<main>`, else `[role=main]`, else the only `<article>`, else `<body>`, without
 * scripts, styles, navigation, forms, asides and page-level header/footer; paragraphs are separated by a blank
 * line and table cells by a tab. Title: `<title>`, else og:title, else the first `<h1>`. Metadata: `lang`,
 * `description`, `author`, `keywords` when the page has them, and `encoding`.
 */
export const extractHtml: FormatExtractor = async (bytes) => {
  const { text: html, encoding } = decodeHtml(bytes);
  const document = parseDocument(html, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
  const found = survey(document.children);
  const root = found.main ?? found.roleMain ?? (found.articles.length === 1 ? found.articles[0] : undefined) ?? found.body ?? document;
  let content = render(root, true);
  // A page whose text is all inside what looks like chrome (a form-only page, say) still has that text.
  if (content.trim() === '') content = render(found.body ?? document, false);
  const title = nonEmpty(found.title === undefined ? undefined : render(found.title, false)) ?? nonEmpty(found.ogTitle) ??
    nonEmpty(found.h1 === undefined ? undefined : render(found.h1, false));
  const metadata: Record<string, unknown> = {};
  for (const key of ['lang', 'description', 'author', 'keywords'] as const) {
    const value = nonEmpty(found[key]);
    if (value !== null) metadata[key] = value;
  }
  metadata.encoding = encoding;
  return { title, content, metadata };
};

interface Survey {
  title?: Element;
  ogTitle?: string;
  h1?: Element;
  main?: Element;
  roleMain?: Element;
  readonly articles: Element[];
  body?: Element;
  lang?: string;
  description?: string;
  author?: string;
  keywords?: string;
}

// One iterative pass (deeply nested markup must not overflow the stack) that finds what the extraction needs.
function survey(nodes: readonly AnyNode[]): Survey {
  const found: Survey = { articles: [] };
  const stack: AnyNode[] = [...nodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (!isTag(node)) continue;
    const name = node.name;
    const attribs = node.attribs;
    if (name === 'svg' || name === 'math' || name === 'template') continue;
    if (name === 'title') found.title ??= node;
    else if (name === 'h1') found.h1 ??= node;
    else if (name === 'main') found.main ??= node;
    else if (name === 'article') found.articles.push(node);
    else if (name === 'body') found.body ??= node;
    else if (name === 'html' && attribs.lang !== undefined) found.lang ??= attribs.lang;
    else if (name === 'meta') {
      const key = (attribs.property ?? attribs.name ?? '').toLowerCase();
      const value = attribs.content;
      if (value !== undefined) {
        if (key === 'og:title' || key === 'twitter:title') found.ogTitle ??= value;
        else if (key === 'description' || key === 'og:description') found.description ??= value;
        else if (key === 'author') found.author ??= value;
        else if (key === 'keywords') found.keywords ??= value;
      }
    }
    if (attribs.role === 'main' && name !== 'main') found.roleMain ??= node;
    for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
  }
  return found;
}

type Frame = { readonly node: AnyNode; readonly inSection: boolean; readonly pre: boolean } | { readonly close: Element };

/** The readable text under `root`; `dropChrome` leaves navigation and the like out. */
function render(root: AnyNode, dropChrome: boolean): string {
  const out = new TextBuilder();
  const stack: Frame[] = [{ node: root, inSection: false, pre: false }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('close' in frame) {
      closeElement(frame.close.name, out);
      continue;
    }
    const { node, inSection, pre } = frame;
    if (isText(node)) {
      out.text(node.data, pre);
      continue;
    }
    if (isCDATA(node)) {
      pushChildren(stack, node.children, inSection, pre);
      continue;
    }
    if (!isTag(node)) {
      if ('children' in node) pushChildren(stack, node.children, inSection, pre);
      continue;
    }
    const name = node.name;
    if (node !== root) {
      if (ALWAYS_DROP.has(name)) continue;
      if (node.attribs.hidden !== undefined || node.attribs['aria-hidden'] === 'true') continue;
      if (dropChrome && isChrome(node, inSection)) continue;
    }
    openElement(name, out);
    stack.push({ close: node });
    pushChildren(stack, node.children, inSection || SECTIONING.has(name), pre || name === 'pre' || name === 'textarea');
  }
  return out.toString();
}

function pushChildren(stack: Frame[], children: readonly AnyNode[], inSection: boolean, pre: boolean): void {
  for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i]!, inSection, pre });
}

function isChrome(node: Element, inSection: boolean): boolean {
  if (CHROME.has(node.name)) return true;
  if (!inSection && PAGE_LEVEL_CHROME.has(node.name)) return true;
  const role = node.attribs.role;
  return role !== undefined && CHROME_ROLES.has(role.toLowerCase());
}

function openElement(name: string, out: TextBuilder): void {
  if (PARAGRAPH.has(name)) out.break(2);
  else if (LINE.has(name)) out.break(1);
  else if (CELL.has(name)) out.cell();
}

function closeElement(name: string, out: TextBuilder): void {
  if (PARAGRAPH.has(name)) out.break(2);
  else if (LINE.has(name)) out.break(1);
  else if (CELL.has(name)) out.space();
}

// Collects text, collapsing whitespace outside <pre> and turning block boundaries into newlines.
class TextBuilder {
  readonly #parts: string[] = [];
  #pendingBreak = 0;
  #pendingSep = '';
  #rowHasCell = false;

  text(data: string, pre: boolean): void {
    if (pre) {
      if (data !== '') this.#write(data);
      return;
    }
    const collapsed = data.replace(/[ \t\n\r\f]+/g, ' ');
    if (collapsed === ' ' || collapsed === '') {
      if (collapsed === ' ') this.space();
      return;
    }
    if (collapsed.startsWith(' ')) this.space();
    this.#write(collapsed.trim());
    if (collapsed.endsWith(' ')) this.space();
  }

  break(lines: number): void {
    this.#pendingBreak = Math.max(this.#pendingBreak, lines);
    this.#pendingSep = '';
    this.#rowHasCell = false;
  }

  cell(): void {
    if (this.#rowHasCell) this.#pendingSep = '\t';
    this.#rowHasCell = true;
  }

  space(): void {
    if (this.#pendingSep === '') this.#pendingSep = ' ';
  }

  #write(text: string): void {
    if (this.#parts.length > 0) {
      if (this.#pendingBreak > 0) this.#parts.push(this.#pendingBreak > 1 ? '\n\n' : '\n');
      else if (this.#pendingSep !== '') this.#parts.push(this.#pendingSep);
    }
    this.#pendingBreak = 0;
    this.#pendingSep = '';
    this.#parts.push(text);
  }

  toString(): string {
    return this.#parts.join('');
  }
}

// A charset declared in the first bytes (<meta charset> or http-equiv) is used when the bytes are not UTF-8.
function decodeHtml(bytes: Uint8Array): { text: string; encoding: string } {
  const decoded = decodeText(bytes);
  if (decoded.encoding !== 'windows-1252') return decoded;
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 2048));
  const label = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (label === undefined) return decoded;
  try {
    const decoder = new TextDecoder(label);
    // The latin1 labels all mean Windows-1252 on the web, which decodeText already gave.
    if (decoder.encoding === 'windows-1252') return decoded;
    return { text: decoder.decode(bytes), encoding: decoder.encoding };
  } catch {
    return decoded;
  }
}

function nonEmpty(value: string | undefined): string | null {
  if (value === undefined) return null;
  const trimmed = value.replace(/\s+/g, ' ').trim();
  return trimmed === '' ? null : trimmed;
}
