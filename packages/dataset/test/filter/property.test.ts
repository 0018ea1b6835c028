import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, DatasetError, parseFilter, RECORD_FIELDS } from '../../src/index.js';
import { SqlParams } from '../../src/sql/params.js';
import { complement, createFixture } from './fixture.js';
import type { FilterFixture } from './fixture.js';

// Compiled SQL may hold only these words, placeholders, parentheses, commas, dots and comparison operators:
// no quote, no digit outside `$n`, so no character of a user value can be SQL.
const SQL_SHAPE = /^(?:\s+|[A-Za-z_][A-Za-z0-9_]*|\$[1-9][0-9]*|[(),.]|<>|<=|>=|[=<>])*$/;
const SQL_WORDS = new Set<string>([
  ...RECORD_FIELDS,
  'd',
  'COALESCE',
  'FALSE',
  'TRUE',
  'AND',
  'OR',
  'NOT',
  'IN',
  'LIKE',
  'ILIKE',
  'ESCAPE',
  'BETWEEN',
  'IS',
  'NULL',
  'CAST',
  'TRY_CAST',
  'AS',
  'DOUBLE',
  'TIMESTAMP',
  'BOOLEAN',
  'json_type',
  'json_extract_string',
  'list_contains',
]);

function expectSafeSql(sql: string, params: SqlParams): void {
  expect(sql).toMatch(SQL_SHAPE);
  for (const word of sql.match(/(?<!\$)\b[A-Za-z_][A-Za-z0-9_]*/g) ?? []) expect(SQL_WORDS).toContain(word);
  for (const placeholder of sql.match(/\$\d+/g) ?? []) {
    expect(Number(placeholder.slice(1))).toBeLessThanOrEqual(params.values.length);
  }
}

/** Compiles; returns the SQL and params, or null when compiling failed with a DatasetError of an allowed code. */
function tryCompile(text: string, codes: readonly string[]): { sql: string; params: SqlParams } | null {
  const params = new SqlParams();
  try {
    return { sql: compileFilter(text, { params, alias: 'd' }), params };
  } catch (error) {
    if (!(error instanceof DatasetError) || !codes.includes(error.code)) throw error;
    expect(error.message).toMatch(/^FILTER_(SYNTAX|TYPE) at position \d+ \(0-based\): expected .+ but found .+/s);
    return null;
  }
}

// ---- grammar-shaped filters ----

const quoteString = (value: string) => `'${value.replaceAll("'", "''")}'`;
const quoteName = (value: string) => `"${value.replaceAll('"', '""')}"`;
// Unicode text without NUL, which the lexer refuses by design.
const text = (maxLength: number) =>
  fc
    .string({
      unit: fc.oneof(
        fc.constantFrom("'", '"', '$', '\\', ';', '-', '%', '_', '.', '/', '~', '’', ' '),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      maxLength,
    })
    .map((value) => value.replaceAll('\u0000', ''));

const keyword = (word: string) => fc.constantFrom(word, word.toLowerCase(), word[0] + word.slice(1).toLowerCase());
const key = fc.oneof(
  fc
    .constantFrom('status', 'priority', 'published', 'venue', 'name', 'rank', 'arr', '0', 'count', 'flag')
    .map((k) => ({ bare: true, k })),
  fc
    .oneof(fc.constantFrom('my key', "it's", '$dollar', 'a/b', 'ti~lde', '$.status', '*', ''), text(6))
    .map((k) => ({ bare: false, k })),
);
const field = fc.oneof(
  fc.constantFrom(...RECORD_FIELDS),
  fc
    .array(key, { minLength: 1, maxLength: 3 })
    .map((keys) => `metadata.${keys.map(({ bare, k }) => (bare ? k : quoteName(k))).join('.')}`),
  fc.constantFrom('status', 'priority', 'venue.rank', 'Status'),
  key.map(({ k }) => quoteName(k)),
);
const timestamp = fc
  .tuple(
    fc.date({ min: new Date('0001-01-02T00:00:00Z'), max: new Date('9999-12-30T00:00:00Z'), noInvalidDate: true }),
    fc.nat(3),
  )
  .map(([date, style]) => {
    const iso = date.toISOString();
    return [iso.slice(0, 10), iso, iso.replace('T', ' ').replace('Z', ''), `${iso.slice(0, 19)}+05:30`][
      style
    ] as string;
  });
const literal = fc.oneof(
  text(12).map(quoteString),
  timestamp.map(quoteString),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.constantFrom('TRUE', 'FALSE', 'true', 'False', '0', '-1', '5', '3.5', '1e20', "'reviewed'", "'ml'", "'%e%'"),
);
const not = fc.constantFrom('', 'NOT ', 'not ');
const condition = fc.oneof(
  fc
    .tuple(field, fc.constantFrom('=', '!=', '<>', '<', '<=', '>', '>='), literal)
    .map(([f, op, v]) => `${f} ${op} ${v}`),
  fc
    .tuple(field, not, fc.array(literal, { minLength: 1, maxLength: 4 }))
    .map(([f, n, vs]) => `${f} ${n}IN (${vs.join(', ')})`),
  fc
    .tuple(field, not, fc.constantFrom('LIKE', 'ILIKE', 'like'), literal, fc.option(literal, { nil: undefined }))
    .map(([f, n, word, p, e]) => `${f} ${n}${word} ${p}${e === undefined ? '' : ` ESCAPE ${e}`}`),
  fc.tuple(field, fc.constantFrom('IS NULL', 'IS NOT NULL', 'is not null')).map(([f, tail]) => `${f} ${tail}`),
  fc.tuple(field, not, literal, literal).map(([f, n, a, b]) => `${f} ${n}BETWEEN ${a} AND ${b}`),
  fc.tuple(field, not, literal).map(([f, n, v]) => `${f} ${n}CONTAINS ${v}`),
  fc.tuple(literal, not, field).map(([v, n, f]) => `${v} ${n}IN ${f}`),
);
// Conditions whose values suit their fields, so that most generated filters compile and select something.
const fixtureString = fc
  .oneof(
    fc.constantFrom(
      'reviewed',
      'draft',
      'REVIEWED',
      'ml',
      'nlp',
      'papers',
      'notes',
      'web',
      'd01',
      'd05',
      'chunk',
      'document',
      'file',
      'Scores',
    ),
    fc.constantFrom('%e%', 'A%', '%s', '_%', 'd0_'),
    text(6),
  )
  .map(quoteString);
const fixtureNumber = fc
  .oneof(fc.integer({ min: -3, max: 12 }), fc.double({ min: -5, max: 20, noNaN: true }))
  .map(String);
const typedLiteral = fc.oneof(fixtureString, fixtureNumber, fc.constantFrom('TRUE', 'FALSE'));
const comparison = fc.constantFrom('=', '!=', '<>', '<', '<=', '>', '>=');
const typed = (fields: fc.Arbitrary<string>, value: fc.Arbitrary<string>) =>
  fc.oneof(
    fc.tuple(fields, comparison, value).map(([f, op, v]) => `${f} ${op} ${v}`),
    fc
      .tuple(fields, not, fc.array(value, { minLength: 1, maxLength: 3 }))
      .map(([f, n, vs]) => `${f} ${n}IN (${vs.join(', ')})`),
    fc.tuple(fields, not, value, value).map(([f, n, a, b]) => `${f} ${n}BETWEEN ${a} AND ${b}`),
    fc.tuple(fields, fc.constantFrom('IS NULL', 'IS NOT NULL')).map(([f, tail]) => `${f} ${tail}`),
  );
const textField = fc.constantFrom('uuid', 'collection', 'title', 'content', 'record_type', 'parent_id', 'source_type');
const metadataField = fc.constantFrom(
  'status',
  'priority',
  'published',
  'venue.rank',
  'metadata.arr.1',
  'metadata."my key".x',
  'flag',
);
const typedCondition = fc.oneof(
  typed(textField, fixtureString),
  fc
    .tuple(fc.oneof(textField, metadataField), not, fc.constantFrom('LIKE', 'ILIKE'), fixtureString)
    .map(([f, n, w, p]) => `${f} ${n}${w} ${p}`),
  typed(fc.constant('chunk_index'), fixtureNumber),
  typed(fc.constantFrom('created_at', 'updated_at'), timestamp.map(quoteString)),
  typed(metadataField, typedLiteral),
  fc.tuple(not, fixtureString).map(([n, v]) => `tags ${n}CONTAINS ${v}`),
  fc.tuple(fixtureString, not).map(([v, n]) => `${v} ${n}IN tags`),
  fc.constantFrom('embedding IS NULL', 'embedding IS NOT NULL'),
);

const { filter } = fc.letrec((tie) => ({
  filter: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.oneof({ weight: 3, arbitrary: typedCondition }, { weight: 1, arbitrary: condition }),
    fc.tuple(tie('filter'), keyword('AND'), tie('filter')).map(([a, word, b]) => `${a} ${word} ${b}`),
    fc.tuple(tie('filter'), keyword('OR'), tie('filter')).map(([a, word, b]) => `${a} ${word} ${b}`),
    fc.tuple(keyword('NOT'), tie('filter')).map(([word, a]) => `${word} (${a})`),
    tie('filter').map((a) => `(${a})`),
  ),
}));

// ---- arbitrary text ----

const anyText = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom('\uD800', '\uDFFF', '\u0000'),
  ),
  maxLength: 120,
});
const soup = fc
  .array(
    fc.constantFrom(
      "'",
      '"',
      '(',
      ')',
      ',',
      '.',
      '=',
      '!=',
      '<',
      '>=',
      '-',
      '1',
      '2.5e3',
      ' ',
      'AND',
      'OR',
      'NOT',
      'IN',
      'IS',
      'NULL',
      'LIKE',
      'BETWEEN',
      'CONTAINS',
      'ESCAPE',
      'TRUE',
      'status',
      'tags',
      'title',
      'metadata',
      'chunk_index',
      'created_at',
      'embedding',
      "'x'",
      "'2024-01-01'",
    ),
    { maxLength: 30 },
  )
  .map((parts) => parts.join(' '));

let db: FilterFixture;
beforeAll(async () => {
  db = await createFixture();
});
afterAll(() => db.close());

async function selects(sql: string, params: SqlParams): Promise<string[]> {
  const rows = await db.rows(`SELECT d.uuid AS uuid FROM cf_documents AS d WHERE ${sql} ORDER BY 1`, params.values);
  return rows.map((row) => String(row.uuid));
}

describe('filter properties', () => {
  it('parses every grammar-shaped filter; compiled ones are safe SQL that runs, and NOT selects the rest', async () => {
    await fc.assert(
      fc.asyncProperty(filter, async (text) => {
        expect(() => parseFilter(text)).not.toThrow();
        const compiled = tryCompile(text, ['FILTER_TYPE']);
        if (compiled === null) return;
        expectSafeSql(compiled.sql, compiled.params);
        const selected = await selects(compiled.sql, compiled.params);
        const negated = tryCompile(`NOT (${text})`, []);
        expect(await selects(negated!.sql, negated!.params)).toEqual(complement(selected));
      }),
      { numRuns: 500 },
    );
  });

  it('throws nothing but FILTER_SYNTAX or FILTER_TYPE for arbitrary text, and compiled text is safe SQL that runs', async () => {
    for (const arbitrary of [anyText, soup]) {
      await fc.assert(
        fc.asyncProperty(arbitrary, async (text) => {
          try {
            parseFilter(text);
          } catch (error) {
            expect(error).toBeInstanceOf(DatasetError);
            expect((error as DatasetError).code).toBe('FILTER_SYNTAX');
          }
          const compiled = tryCompile(text, ['FILTER_SYNTAX', 'FILTER_TYPE']);
          if (compiled === null) return;
          expectSafeSql(compiled.sql, compiled.params);
          await selects(compiled.sql, compiled.params);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('throws nothing but DatasetError for grammar-shaped filters with characters inserted or deleted', async () => {
    const mutated = fc
      .tuple(
        filter,
        fc.array(fc.tuple(fc.nat(), fc.boolean(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), {
          minLength: 1,
          maxLength: 4,
        }),
      )
      .map(([text, edits]) =>
        edits.reduce((acc, [at, insert, char]) => {
          const i = acc.length === 0 ? 0 : at % acc.length;
          return insert ? acc.slice(0, i) + char + acc.slice(i) : acc.slice(0, i) + acc.slice(i + 1);
        }, text),
      );
    await fc.assert(
      fc.asyncProperty(mutated, async (text) => {
        const compiled = tryCompile(text, ['FILTER_SYNTAX', 'FILTER_TYPE']);
        if (compiled === null) return;
        expectSafeSql(compiled.sql, compiled.params);
        await selects(compiled.sql, compiled.params);
      }),
      { numRuns: 300 },
    );
  });
});
