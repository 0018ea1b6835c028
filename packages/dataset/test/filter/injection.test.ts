import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetError, MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH } from '../../src/index.js';
import { ALL_UUIDS, createFixture } from './fixture.js';
import type { FilterFixture } from './fixture.js';

// An attack either fails with a DatasetError (code and a piece of its message) or is read as plain data and
// selects exactly the given records.
type Outcome =
  | { readonly rejects: 'FILTER_SYNTAX' | 'FILTER_TYPE'; readonly message: string }
  | { readonly matches: readonly string[] };

const rejects = (message: string, code: 'FILTER_SYNTAX' | 'FILTER_TYPE' = 'FILTER_SYNTAX'): Outcome => ({
  rejects: code,
  message,
});
const matches = (...uuids: string[]): Outcome => ({ matches: uuids });

const CORPUS: readonly (readonly [name: string, filter: string, outcome: Outcome])[] = [
  // breaking out of a string
  [
    'classic drop',
    "'; DROP TABLE cf_documents; --",
    rejects("expected a closing ' for the string that starts at position 0"),
  ],
  [
    'empty string then drop',
    "title = ''; DROP TABLE cf_documents; --'",
    rejects('semicolons and further statements are not allowed'),
  ],
  ['drop inside a string is data', "status = '''; DROP TABLE cf_documents; --'", matches('d08')],
  ['drop inside a tag is data', "'''; DROP TABLE cf_documents; --' IN tags", matches()],
  ['drop inside a LIKE pattern is data', "content LIKE '%; DROP TABLE cf_documents; --'", matches('d08')],
  ['doubled quotes stay inside', "title = 'a''b' OR title = 'O''Reilly''s guide'", matches('d08')],
  [
    'backslash does not escape',
    "content = 'a\\'; DROP TABLE cf_documents; --'",
    rejects('semicolons and further statements'),
  ],
  ['backslash is data', "title = 'back\\slash\\''", rejects("expected a closing '")],
  ['backslash sequences are data', "title = '\\x27\\u0027\\''' OR uuid = '\\'", matches()],
  // tautologies and stacked statements
  ['or 1=1', "title = 'a' OR 1=1", rejects("expected IN, as in 'x' IN tags")],
  ["or '1'='1'", "title = 'a' OR '1'='1'", rejects("expected IN, as in 'x' IN tags")],
  ['or true', "title = 'a' OR TRUE", rejects("expected IN, as in 'x' IN tags")],
  ['stacked select', "title = 'x'; SELECT 1", rejects('semicolons and further statements')],
  ['stacked after newline', "title = 'x'\n;DROP TABLE cf_documents", rejects('semicolons')],
  [
    'union',
    "status = 'reviewed' UNION SELECT uuid FROM cf_meta",
    rejects('expected AND, OR or the end of the filter but found name UNION'),
  ],
  ['in list then statement', "title IN ('a'); DROP TABLE cf_documents", rejects('semicolons')],
  // comments
  ['line comment', "title = 'x' -- AND uuid = 'y'", rejects('Comments are not supported')],
  ['block comment', "title = 'x' /* AND uuid = 'y' */", rejects('Comments are not supported')],
  ['comment inside a string is data', "title = 'x -- y /* z */'", matches()],
  // subqueries and functions
  ['subquery in IN', 'uuid IN (SELECT uuid FROM cf_documents)', rejects("after '(' but found name SELECT")],
  ['subquery as a value', 'title = (SELECT title FROM cf_documents LIMIT 1)', rejects("after '=' but found '('")],
  ['subquery as a condition', '(SELECT 1) = 1', rejects('after metadata.SELECT but found number 1')],
  ['exists', 'EXISTS (SELECT 1)', rejects('a function call EXISTS(...)')],
  ['function on a field', "lower(title) = 'x'", rejects('Functions are not supported')],
  ['function as a value', 'title = chr(39)', rejects('Functions are not supported')],
  ['file read', "content = read_text('/etc/passwd')", rejects('Functions are not supported')],
  ['arrow operator', "metadata->>'status' = 'x'", rejects("A '-' may only start a negative number")],
  ['cast operator', "metadata::text = 'x'", rejects("found character ':'")],
  ['concatenation', "title = 'x' || 'y'", rejects("found character '|'")],
  ['prepared placeholder', 'status = $1', rejects("found character '$'")],
  ['question placeholder', 'status = ?', rejects("found character '?'")],
  ['escape string prefix', "title = E'\\x27'", rejects('found name E')],
  ['hex literal', 'title = 0x27', rejects("found '0x'")],
  ['array literal', "tags = ARRAY['x']", rejects("found character '['")],
  ['double-quoted value', 'title = "x"', rejects('Strings need single quotes')],
  // quote look-alikes
  ['right single quote', 'title = ’x’; DROP TABLE cf_documents', rejects('Strings use the ASCII apostrophe')],
  ['left single quote', 'title = ‘x‘', rejects('U+2018')],
  ['fullwidth apostrophe', 'title = ＇x＇', rejects('U+FF07')],
  ['modifier letter apostrophe', 'title = ʼxʼ', rejects('U+02BC')],
  ['look-alikes inside a string are data', "title = '’‘＇ʼ'", matches()],
  ['fullwidth equals', "title ＝ 'x'", rejects('U+FF1D')],
  ['zero-width space in a name', "sta\u200Btus = 'x'", rejects('U+200B')],
  ['whitespace of all kinds is fine', "status\t=\n'reviewed'\r\n", matches('d01', 'd05', 'd10')],
  // NUL and broken UTF-16
  ['NUL in a string', "title = 'a\u0000b'", rejects('U+0000 (NUL)')],
  ['NUL after a condition', "title = 'a' \u0000 DROP", rejects('U+0000 (NUL)')],
  ['unpaired surrogate', "title = '\uD83D'", rejects('unpaired surrogate U+D83D')],
  // nesting and size
  [
    '10,000 parentheses',
    `${'('.repeat(10_000)}status = 'x'${')'.repeat(10_000)}`,
    rejects(`at most ${MAX_FILTER_DEPTH} nested parentheses or NOTs`),
  ],
  ['10,000 NOTs', `${'NOT '.repeat(10_000)}status = 'x'`, rejects(`at most ${MAX_FILTER_DEPTH} nested`)],
  ['10,000 unclosed parentheses', '('.repeat(10_000), rejects(`at most ${MAX_FILTER_DEPTH} nested`)],
  [
    '10,000 conditions',
    Array.from({ length: 10_000 }, () => 'k = 1').join(' OR '),
    rejects(`at most ${MAX_FILTER_CONDITIONS} conditions`),
  ],
  [
    '1 MB string',
    `title = '${'a'.repeat(1_000_000)}'`,
    rejects(`expected a filter of at most ${MAX_FILTER_LENGTH} characters but found 1000010 characters`),
  ],
  ['1 MB of quotes', "'".repeat(1_000_000), rejects(`at most ${MAX_FILTER_LENGTH} characters`)],
  ['90 KB string is data', `title = '${"x'';--".repeat(15_000)}'`, matches()],
  // metadata paths that would mean something to a JSONPath or SQL parser
  ['path with a drop', 'metadata."\'; DROP TABLE cf_documents; --" = 1', matches()],
  ['path that looks like JSONPath', 'metadata."$.status" = \'reviewed\'', matches()],
  ['path that looks like a JSONPath wildcard', 'metadata."*" IS NOT NULL OR metadata."$[*]" IS NOT NULL', matches()],
  ['path with a dollar key', '"$dollar" = 1', matches('d04')],
  ['path with quotes and parentheses', 'metadata."x"")"."\'" = 1', matches()],
  ['path with a JSON pointer escape', 'metadata."ti~0lde" IS NOT NULL OR metadata."a~1b" IS NOT NULL', matches()],
  ['path with a real slash and tilde', 'metadata."a/b" = \'slash\' AND metadata."ti~lde" = \'t\'', matches('d04')],
  ['the quoted key "status" is status', 'metadata."status" = \'reviewed\'', matches('d01', 'd05', 'd10')],
  ['path closing the quote early', 'metadata."a"; DROP TABLE x; --" = 1', rejects('semicolons')],
  ['unterminated quoted name', '"; DROP TABLE cf_documents; --', rejects('expected a closing " for the quoted name')],
  // numbers
  ['huge number', '1e999 IN tags', rejects('a number within the range of a 64-bit float')],
  ['number against text', 'title = 1 OR uuid = 2', rejects("a 'string' (title is text)", 'FILTER_TYPE')],
];

let db: FilterFixture;
beforeAll(async () => {
  db = await createFixture();
});
afterAll(() => db.close());

describe('injection corpus', () => {
  it.each(CORPUS)('%s', async (_name, filter, outcome) => {
    if ('matches' in outcome) {
      expect(await db.matching(filter)).toEqual(outcome.matches);
      return;
    }
    const error = await db.matching(filter).then(
      () => new Error('the filter was accepted'),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatasetError);
    const { code, message, data } = error as DatasetError;
    expect(code).toBe(outcome.rejects);
    expect(message).toContain(outcome.message);
    // Messages are bounded even for a 1 MB input.
    expect(message.length).toBeLessThan(500);
    expect(message).toMatch(/^FILTER_(SYNTAX|TYPE) at position \d+ \(0-based\): expected .+ but found .+/s);
    const position = (data as { position: number }).position;
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThanOrEqual(filter.length);
  });

  it('leaves every record and table in place afterwards', async () => {
    expect(await db.matching('')).toEqual(ALL_UUIDS);
    const tables = await db.rows(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1",
    );
    expect(tables.map((row) => row.table_name)).toEqual(['cf_documents', 'cf_meta']);
  });
});
