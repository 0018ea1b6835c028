import { describe, expect, it } from 'vitest';
import { DatasetError, MAX_FILTER_LENGTH } from '../../src/index.js';
import { describeToken, lexFilter } from '../../src/filter/lexer.js';

function lexError(text: string): DatasetError {
  try {
    lexFilter(text);
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error(`lexFilter(${JSON.stringify(text)}) did not throw`);
}

describe('lexFilter', () => {
  it('gives every token its kind, text and 0-based position, ending with an end token', () => {
    const tokens = lexFilter("metadata.\"my key\" >= -1.5e3 AND tags CONTAINS 'it''s'");
    expect(tokens.map(({ kind, text, position }) => [kind, text, position])).toEqual([
      ['identifier', 'metadata', 0],
      ['punctuation', '.', 8],
      ['quoted-identifier', 'my key', 9],
      ['operator', '>=', 18],
      ['number', '-1.5e3', 21],
      ['keyword', 'AND', 28],
      ['identifier', 'tags', 32],
      ['keyword', 'CONTAINS', 37],
      ['string', "it's", 46],
      ['end', '', 53],
    ]);
    expect(tokens[4]).toMatchObject({ value: -1500 });
  });

  it('reads keywords in any case, but as plain names after a dot', () => {
    expect(lexFilter('not Or metadata.and').map((t) => `${t.kind}:${t.text}`)).toEqual([
      'keyword:NOT',
      'keyword:OR',
      'identifier:metadata',
      'punctuation:.',
      'identifier:and',
      'end:',
    ]);
  });

  it('lets a path segment start with a digit, so array indexes read as keys', () => {
    expect(
      lexFilter('a.0.12x')
        .filter((t) => t.kind === 'identifier')
        .map((t) => t.text),
    ).toEqual(['a', '0', '12x']);
  });

  it('reads every operator, with <> kept as written', () => {
    expect(
      lexFilter('= != <> < <= > >=')
        .filter((t) => t.kind === 'operator')
        .map((t) => t.text),
    ).toEqual(['=', '!=', '<>', '<', '<=', '>', '>=']);
  });

  it('reads integers, decimals, negatives and exponents', () => {
    const values = lexFilter('0 42 -7 3.25 -0.5 1e3 2E-2 -1e+2').flatMap((t) => (t.kind === 'number' ? [t.value] : []));
    expect(values).toEqual([0, 42, -7, 3.25, -0.5, 1000, 0.02, -100]);
  });

  it('unescapes \'\' in strings and "" in quoted names, and keeps backslashes as written', () => {
    const [string, name] = lexFilter('\'a\'\'b\\n\' "x""y"');
    expect(string).toMatchObject({ kind: 'string', text: "a'b\\n" });
    expect(name).toMatchObject({ kind: 'quoted-identifier', text: 'x"y' });
    expect(lexFilter("''")[0]).toMatchObject({ kind: 'string', text: '' });
  });

  it('describes tokens for messages, shortening long text', () => {
    const tokens = lexFilter(`x "q" AND 'a' 5 ( ${'y'.repeat(60)}`);
    expect(tokens.map(describeToken)).toEqual([
      'name x',
      'name "q"',
      'keyword AND',
      "string 'a'",
      'number 5',
      "'('",
      `name ${'y'.repeat(40)}…`,
      'end of input',
    ]);
  });

  // Each bad input, the position of the error and a piece of its message.
  const ERRORS: readonly (readonly [text: string, position: number, message: string])[] = [
    ["title = 'abc", 12, "expected a closing ' for the string that starts at position 8 but found end of input"],
    ['metadata."abc = 1', 17, 'expected a closing " for the quoted name that starts at position 9'],
    ['x = 5abc', 4, "expected a number such as 42, -1.5 or 2e3 but found '5a'"],
    ['x = 1.2.3', 4, "found '1.2.'"],
    ['x = 1.', 4, "found '1.'"],
    ['x = 1e999', 4, 'a number within the range of a 64-bit float'],
    ["x = 'a'; DROP TABLE t", 7, 'semicolons and further statements are not allowed'],
    ["x = 'a' -- note", 8, 'Comments are not supported'],
    ["x = 'a' /* note */", 8, 'Comments are not supported'],
    ['x = - 1', 4, "A '-' may only start a negative number"],
    ["x = \\'a\\'", 4, 'Backslash escapes are not supported'],
    ['x = ’a’', 4, 'found character ’ (U+2019). Strings use the ASCII apostrophe'],
    ['x = ＇a＇', 4, 'U+FF07'],
    ['x = ʼaʼ', 4, 'U+02BC'],
    ['x = `a`', 4, "found character '`'. Strings use the ASCII apostrophe"],
    ['x ! 1', 2, "Write '!=' or '<>'"],
    ['x = @a', 4, "found character '@'"],
    ['x = \u0007', 4, 'found character U+0007'],
    ['x = 😀', 4, 'found character 😀 (U+1F600)'],
    ["x = 'a\u0000b'", 6, 'found character U+0000 (NUL)'],
    ["x = '\uD800'", 5, 'found unpaired surrogate U+D800'],
    ["x = '\uDC00\uD83D'", 5, 'found unpaired surrogate U+DC00'],
  ];

  it.each(ERRORS)('refuses %j at position %i', (text, position, message) => {
    const error = lexError(text);
    expect(error.code).toBe('FILTER_SYNTAX');
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`FILTER_SYNTAX at position ${position} (0-based): expected `)).toBe(true);
    expect(error.data).toMatchObject({ position });
  });

  it('accepts a filter of exactly MAX_FILTER_LENGTH characters and refuses one more', () => {
    const body = `x = '${'a'.repeat(MAX_FILTER_LENGTH - 6)}'`;
    expect(body.length).toBe(MAX_FILTER_LENGTH);
    expect(lexFilter(body)).toHaveLength(4);
    const error = lexError(`${body} `);
    expect(error.message).toBe(
      `FILTER_SYNTAX at position ${MAX_FILTER_LENGTH} (0-based): expected a filter of at most ${MAX_FILTER_LENGTH} characters ` +
        `but found ${MAX_FILTER_LENGTH + 1} characters. Split the operation into smaller batches, or select documents by a shorter condition`,
    );
    expect(error.data).toEqual({
      position: MAX_FILTER_LENGTH,
      expected: `a filter of at most ${MAX_FILTER_LENGTH} characters`,
      found: `${MAX_FILTER_LENGTH + 1} characters`,
    });
  });

  it('keeps surrogate pairs and other Unicode inside strings', () => {
    expect(lexFilter("'😀 日本語 \u00a0'")[0]).toMatchObject({ text: '😀 日本語 \u00a0' });
  });
});
