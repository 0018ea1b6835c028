// Splits filter text into tokens that remember where they start, so every later error can point at the input.
import { excerpt, filterError } from './filter-error.js';

/** Longer filters are refused before any work is done: 100,000 UTF-16 code units. */
export const MAX_FILTER_LENGTH = 100_000;

/** Words with a meaning in the grammar, matched case-insensitively. Elsewhere they need double quotes. */
export const FILTER_KEYWORDS = [
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ILIKE',
  'ESCAPE',
  'IS',
  'NULL',
  'BETWEEN',
  'CONTAINS',
  'TRUE',
  'FALSE',
] as const;

export type FilterKeyword = (typeof FILTER_KEYWORDS)[number];

const KEYWORDS: ReadonlySet<string> = new Set(FILTER_KEYWORDS);

/** One token. `position` is the 0-based offset of its first character in the filter text. */
export type Token =
  /** A bare name (ASCII letters, digits, `_`). After a `.` it may also start with a digit: `metadata.list.0`. */
  | { readonly kind: 'identifier'; readonly text: string; readonly position: number }
  /** A `"double-quoted"` name, unescaped (`""` stands for one `"`). */
  | { readonly kind: 'quoted-identifier'; readonly text: string; readonly position: number }
  /** A keyword, upper-cased. */
  | { readonly kind: 'keyword'; readonly text: FilterKeyword; readonly position: number }
  /** A `'single-quoted'` string, unescaped (`''` stands for one `'`). */
  | { readonly kind: 'string'; readonly text: string; readonly position: number }
  | { readonly kind: 'number'; readonly text: string; readonly value: number; readonly position: number }
  | { readonly kind: 'operator'; readonly text: '=' | '!=' | '<>' | '<' | '<=' | '>' | '>='; readonly position: number }
  | { readonly kind: 'punctuation'; readonly text: '(' | ')' | ',' | '.'; readonly position: number }
  | { readonly kind: 'end'; readonly text: ''; readonly position: number };

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SEGMENT = /[A-Za-z0-9_]+/y;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NUMBER_TAIL = /[A-Za-z0-9_.]/;
const WHITESPACE = /\s/;
// Text that could be mangled on its way to DuckDB (UTF-8 has no unpaired surrogates; C strings end at NUL).
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what must be refused.
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Characters that look like a quote: agents paste them from prose, and a precise hint saves a round trip.
const QUOTE_LOOK_ALIKES: ReadonlySet<string> = new Set('‘’‚‛′＇ʼʹˈ`´“”„«»＂');

/** Describes a token for an error message: `end of input`, `string 'abc'`, `keyword AND`, `'('`. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'end of input';
    case 'string':
      return `string '${excerpt(token.text)}'`;
    case 'number':
      return `number ${excerpt(token.text)}`;
    case 'identifier':
      return `name ${excerpt(token.text)}`;
    case 'quoted-identifier':
      return `name "${excerpt(token.text)}"`;
    case 'keyword':
      return `keyword ${token.text}`;
    case 'operator':
    case 'punctuation':
      return `'${token.text}'`;
  }
}

function codePointLabel(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function describeCharacter(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  if (code >= 0x21 && code <= 0x7e) return `character '${char}'`;
  // Control characters are shown by number only: printed raw they would garble the message.
  return code < 0x20 || (code >= 0x7f && code <= 0x9f)
    ? `character ${codePointLabel(char)}`
    : `character ${char} (${codePointLabel(char)})`;
}

/** Why a character that starts no token is there, when we can guess; the hint tells the caller what to write. */
function hintFor(text: string, index: number): string | undefined {
  const char = text[index] ?? '';
  const next = text[index + 1];
  if (char === ';') return 'A filter is a single expression: semicolons and further statements are not allowed';
  if ((char === '-' && next === '-') || (char === '/' && next === '*')) return 'Comments are not supported';
  if (char === '-') return "A '-' may only start a negative number: arithmetic is not supported";
  if (char === '\\') return "Backslash escapes are not supported: inside a string, write '' for one quote";
  if (QUOTE_LOOK_ALIKES.has(char))
    return "Strings use the ASCII apostrophe: 'like this', with '' for a quote inside; names with odd characters use \"double quotes\"";
  if (char === '!') return "Write '!=' or '<>' for 'not equal', or NOT before a condition";
  return undefined;
}

/** Reads a quoted run starting at `start` (on the opening quote); `""`/`''` inside stand for one quote. */
function readQuoted(text: string, start: number, quote: '"' | "'"): { value: string; end: number } {
  const parts: string[] = [];
  let from = start + 1;
  for (;;) {
    const close = text.indexOf(quote, from);
    if (close === -1) {
      const what = quote === "'" ? 'string' : 'quoted name';
      throw filterError(
        'FILTER_SYNTAX',
        text.length,
        `a closing ${quote} for the ${what} that starts at position ${start}`,
        'end of input',
      );
    }
    parts.push(text.slice(from, close));
    if (text[close + 1] !== quote) return { value: parts.join(''), end: close + 1 };
    parts.push(quote);
    from = close + 2;
  }
}

/**
 * Splits a filter into tokens, ending with an `end` token. Throws FILTER_SYNTAX for text longer than
 * MAX_FILTER_LENGTH, for NUL characters and unpaired surrogates, and for characters outside the grammar.
 */
export function lexFilter(text: string): Token[] {
  if (text.length > MAX_FILTER_LENGTH) {
    throw filterError(
      'FILTER_SYNTAX',
      MAX_FILTER_LENGTH,
      `a filter of at most ${MAX_FILTER_LENGTH} characters`,
      `${text.length} characters`,
      'Split the operation into smaller batches, or select documents by a shorter condition',
    );
  }
  const unsafe = UNSAFE_TEXT.exec(text);
  if (unsafe !== null) {
    const char = unsafe[0];
    throw filterError(
      'FILTER_SYNTAX',
      unsafe.index,
      'text without NUL characters or unpaired surrogates',
      char === '\u0000' ? 'character U+0000 (NUL)' : `unpaired surrogate ${codePointLabel(char)}`,
    );
  }

  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (WHITESPACE.test(char)) {
      i += 1;
      continue;
    }
    const position = i;
    // A path segment may be any run of name characters, digits first included (`metadata.items.0`).
    const previous = tokens.at(-1);
    if (previous?.kind === 'punctuation' && previous.text === '.') {
      SEGMENT.lastIndex = i;
      const segment = SEGMENT.exec(text);
      if (segment !== null) {
        tokens.push({ kind: 'identifier', text: segment[0], position });
        i = SEGMENT.lastIndex;
        continue;
      }
    }
    if (char === "'" || char === '"') {
      const { value, end } = readQuoted(text, i, char);
      tokens.push(
        char === "'" ? { kind: 'string', text: value, position } : { kind: 'quoted-identifier', text: value, position },
      );
      i = end;
      continue;
    }
    NUMBER.lastIndex = i;
    const number = NUMBER.exec(text);
    if (number !== null) {
      i = NUMBER.lastIndex;
      const source = number[0];
      const value = Number(source);
      if (i < text.length && NUMBER_TAIL.test(text[i] as string)) {
        throw filterError(
          'FILTER_SYNTAX',
          position,
          'a number such as 42, -1.5 or 2e3',
          `'${excerpt(text.slice(position, i + 1))}'`,
        );
      }
      if (!Number.isFinite(value)) {
        throw filterError(
          'FILTER_SYNTAX',
          position,
          'a number within the range of a 64-bit float',
          `number ${excerpt(source)}`,
        );
      }
      tokens.push({ kind: 'number', text: source, value, position });
      continue;
    }
    NAME.lastIndex = i;
    const name = NAME.exec(text);
    if (name !== null) {
      const upper = name[0].toUpperCase();
      tokens.push(
        KEYWORDS.has(upper)
          ? { kind: 'keyword', text: upper as FilterKeyword, position }
          : { kind: 'identifier', text: name[0], position },
      );
      i = NAME.lastIndex;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '!=' || two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'operator', text: two, position });
      i += 2;
      continue;
    }
    if (char === '=' || char === '<' || char === '>') {
      tokens.push({ kind: 'operator', text: char, position });
      i += 1;
      continue;
    }
    if (char === '(' || char === ')' || char === ',' || char === '.') {
      tokens.push({ kind: 'punctuation', text: char, position });
      i += 1;
      continue;
    }
    const codePoint = String.fromCodePoint(text.codePointAt(i) ?? 0);
    throw filterError(
      'FILTER_SYNTAX',
      position,
      'a field, a value, an operator or a parenthesis',
      describeCharacter(codePoint),
      hintFor(text, i),
    );
  }
  tokens.push({ kind: 'end', text: '', position: text.length });
  return tokens;
}
