// Reads the shape of a document's text: its leading heading or line, and its prose split into sentences.

/** What the extractive enhancer reads from a text. */
export interface TextOutline {
  /** The first block, when it is a Markdown heading (`# Title`, or a line underlined with `===`/`---`). */
  readonly leadingHeading: string | null;
  /** The first block, when it is one short line that is not a sentence (at most 80 characters, no final `.`, `!`, `?`, `,`, `;`, `:`). */
  readonly leadingLine: string | null;
  /** Sentences of the prose, in order: headings, the leading line, fenced code and tables are not prose. */
  readonly sentences: readonly string[];
  /** Headings and prose, markup removed; fenced code and tables are left out. */
  readonly prose: string;
}

const SHORT_LINE = 80;

interface Block {
  /** `item` is a list item: prose, but never a title. */
  readonly kind: 'heading' | 'paragraph' | 'item';
  readonly lines: readonly string[];
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const ATX = /^\s{0,3}#{1,6}(?:\s+|$)(.*?)(?:\s+#+)?\s*$/;
const SETEXT = /^\s{0,3}(?:=+|-+)\s*$/;
const RULE = /^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$/;
const LIST_ITEM = /^\s*(?:[-*+]|\d{1,9}[.)])\s+/;
const QUOTE = /^\s{0,3}>\s?/;
const TABLE = /^\s*\|/;

/** Cuts text into heading, paragraph and list-item blocks; fenced code, tables and rules are dropped. */
function blocks(text: string): Block[] {
  const result: Block[] = [];
  let lines: string[] = [];
  let kind: 'paragraph' | 'item' = 'paragraph';
  let fence: string | null = null;
  const close = (): void => {
    if (lines.length > 0) result.push({ kind, lines });
    lines = [];
    kind = 'paragraph';
  };
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const fenceMatch = FENCE.exec(raw);
    if (fence !== null) {
      if (fenceMatch !== null && fenceMatch[1]!.startsWith(fence)) fence = null;
      continue;
    }
    if (fenceMatch !== null) {
      close();
      fence = fenceMatch[1]!;
      continue;
    }
    const line = raw.replace(QUOTE, '');
    if (line.trim() === '' || TABLE.test(line)) {
      close();
      continue;
    }
    const atx = ATX.exec(line);
    if (atx !== null) {
      close();
      result.push({ kind: 'heading', lines: [atx[1]!] });
      continue;
    }
    if (SETEXT.test(line) && lines.length > 0 && kind === 'paragraph') {
      result.push({ kind: 'heading', lines });
      lines = [];
      continue;
    }
    if (RULE.test(line)) {
      close();
      continue;
    }
    if (LIST_ITEM.test(line)) {
      close();
      kind = 'item';
      lines.push(line.replace(LIST_ITEM, ''));
      continue;
    }
    lines.push(line);
  }
  close();
  return result;
}

/** Inline Markdown and HTML removed: links and images keep their text, emphasis and code marks go. */
export function plainText(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>\n]+>/g, ' ')
    .replace(/`+/g, '')
    .replace(/(\*\*|__|\*|~~)(?=\S)([^*~]*?\S)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

// A sentence ends at . ! or ? (and closing quotes or brackets) before a space and a capital, digit or quote.
const SENTENCE_END = /(?<=[.!?]["')\]]*)\s+(?=["'([]?[\p{Lu}\p{N}])/u;

/** Splits one paragraph into sentences; fragments without a letter are dropped. */
export function sentencesOf(paragraph: string): string[] {
  return paragraph
    .split(SENTENCE_END)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /\p{L}/u.test(sentence));
}

/** Outlines `text`; see TextOutline. */
export function outlineText(text: string): TextOutline {
  // YAML front matter is data, not prose (and its closing --- would read as a heading underline).
  const body = text.replace(/^\uFEFF?---\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/, '');
  const all = blocks(body)
    .map((block) => ({ kind: block.kind, lines: block.lines.length, text: plainText(block.lines.join(' ')) }))
    .filter((block) => block.text !== '');
  const first = all[0];
  const leadingHeading = first?.kind === 'heading' ? first.text : null;
  const leadingLine =
    first?.kind === 'paragraph' && first.lines === 1 && first.text.length <= SHORT_LINE && !/[.!?,;:]$/.test(first.text) ? first.text : null;
  // A leading title-like line names the document; it is not one of its sentences.
  const sentences = all.filter((block, i) => block.kind !== 'heading' && !(i === 0 && leadingLine !== null)).flatMap((block) => sentencesOf(block.text));
  return { leadingHeading, leadingLine, sentences, prose: all.map((block) => block.text).join('\n') };
}
