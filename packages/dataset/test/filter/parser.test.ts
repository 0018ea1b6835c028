import { describe, expect, it } from 'vitest';
import { DatasetError, MAX_FILTER_CONDITIONS, MAX_FILTER_DEPTH, parseFilter } from '../../src/index.js';
import type { FieldRef, FilterNode } from '../../src/index.js';

function parseError(text: string): DatasetError {
  try {
    parseFilter(text);
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error(`parseFilter(${JSON.stringify(text)}) did not throw`);
}

function fieldOf(text: string): FieldRef {
  const node = parseFilter(`${text} IS NULL`);
  if (node?.kind !== 'is-null') throw new Error('expected an IS NULL node');
  return node.field;
}

describe('parseFilter', () => {
  it('returns null for an empty or blank filter, which means every document', () => {
    expect(parseFilter('')).toBeNull();
    expect(parseFilter(' \t\r\n ')).toBeNull();
  });

  it('builds an AST that records positions', () => {
    expect(parseFilter("status = 'x' AND priority BETWEEN 1 AND 5")).toEqual({
      kind: 'and',
      position: 13,
      operands: [
        {
          kind: 'compare',
          field: { kind: 'metadata', path: ['status'], position: 0 },
          operator: '=',
          value: { value: 'x', position: 9 },
          position: 7,
        },
        {
          kind: 'between',
          field: { kind: 'metadata', path: ['priority'], position: 17 },
          negated: false,
          low: { value: 1, position: 34 },
          high: { value: 5, position: 40 },
          position: 26,
        },
      ],
    } satisfies FilterNode);
  });

  it('binds OR loosest, then AND, then NOT, and keeps chains flat', () => {
    const node = parseFilter('a = 1 OR b = 2 AND NOT c = 3 AND d = 4 OR e = 5');
    const shape = (n: FilterNode): unknown =>
      n.kind === 'and' || n.kind === 'or'
        ? { [n.kind]: n.operands.map(shape) }
        : n.kind === 'not'
          ? { not: shape(n.operand) }
          : n.kind === 'compare' && n.field.kind === 'metadata'
            ? n.field.path.join('.')
            : '?';
    expect(shape(node as FilterNode)).toEqual({ or: ['a', { and: ['b', { not: 'c' }, 'd'] }, 'e'] });
  });

  it('parses every condition form, with keywords in any case', () => {
    const kinds = [
      ['x <> 1', { kind: 'compare', operator: '!=' }],
      [
        "x not in ('a', 2, true)",
        { kind: 'in', negated: true, values: [{ value: 'a' }, { value: 2 }, { value: true }] },
      ],
      ["x NOT ILIKE 'a%' escape '!'", { kind: 'like', negated: true, caseInsensitive: true, escape: { value: '!' } }],
      ["x like 'a%'", { kind: 'like', negated: false, caseInsensitive: false, escape: null }],
      ['x is not null', { kind: 'is-null', negated: true }],
      ["x NOT BETWEEN 'a' AND 'b'", { kind: 'between', negated: true }],
      ["tags NOT CONTAINS 'a'", { kind: 'contains', negated: true, field: { kind: 'column', name: 'tags' } }],
      ["'a' NOT IN tags", { kind: 'contains', negated: true, value: { value: 'a', position: 0 } }],
      ['FALSE IN tags', { kind: 'contains', negated: false, value: { value: false } }],
      ['-1 IN tags', { kind: 'contains', value: { value: -1 } }],
    ] as const;
    for (const [text, expected] of kinds) expect(parseFilter(text), text).toMatchObject(expected);
  });

  it('resolves names: record fields in any case, metadata paths, bare and quoted metadata keys', () => {
    expect(fieldOf('title')).toEqual({ kind: 'column', name: 'title', position: 0 });
    expect(fieldOf('CHUNK_Index')).toMatchObject({ kind: 'column', name: 'chunk_index' });
    expect(fieldOf('metadata')).toMatchObject({ kind: 'column', name: 'metadata' });
    expect(fieldOf('Metadata.a.b')).toMatchObject({ kind: 'metadata', path: ['a', 'b'] });
    expect(fieldOf('status')).toMatchObject({ kind: 'metadata', path: ['status'] });
    expect(fieldOf('venue.name')).toMatchObject({ kind: 'metadata', path: ['venue', 'name'] });
    expect(fieldOf('"title"')).toMatchObject({ kind: 'metadata', path: ['title'] });
    expect(fieldOf('metadata."my key"."a""b".0.not')).toMatchObject({
      kind: 'metadata',
      path: ['my key', 'a"b', '0', 'not'],
    });
    expect(fieldOf('metadata . x')).toMatchObject({ kind: 'metadata', path: ['x'] });
  });

  // Each syntax error, its 0-based position and a piece of its message.
  const ERRORS: readonly (readonly [text: string, position: number, message: string])[] = [
    ['status = ', 9, "expected a value (a 'string', a number, TRUE or FALSE) after '=' but found end of input"],
    [
      "lower(title) = 'x'",
      0,
      'expected a field name but found a function call lower(...). Functions are not supported',
    ],
    ["title = lower('x')", 8, 'Functions are not supported'],
    ['metadata.x.y(1) = 2', 0, 'a function call metadata.x.y(...)'],
    ['status = NULL', 9, 'To test for a missing value write IS NULL or IS NOT NULL'],
    [
      'status = other',
      9,
      "found name other. Strings need single quotes, e.g. 'done'; comparing two fields is not supported",
    ],
    ['status = "x"', 9, 'Strings need single quotes'],
    ["status 'x'", 7, "after metadata.status but found string 'x'. Put an operator between the field and the value"],
    ['status', 6, 'expected an operator (=, !=, <>, <, <=, >, >=, [NOT] IN'],
    ["status NOT = 'x'", 11, 'expected IN, LIKE, ILIKE, BETWEEN or CONTAINS after metadata.status NOT'],
    ["status IS 'x'", 10, 'expected NULL or NOT NULL after IS'],
    ['status IS NOT 5', 14, 'expected NULL after IS NOT'],
    ['x BETWEEN 1 OR 2', 12, 'expected AND between the two ends of BETWEEN but found keyword OR'],
    ["x IN 'a'", 5, "expected '(' and a list of values after IN"],
    ['x IN tags', 5, "for list membership write 'x' IN tags"],
    ['x IN ()', 6, "after '(' but found ')'"],
    ["x IN ('a' 'b')", 10, "expected ',' or ')' in the IN list that starts at position 5"],
    ["x IN ('a',)", 10, "after ',' but found ')'"],
    ["'x' = title", 4, "expected IN, as in 'x' IN tags"],
    ["'x' NOT LIKE tags", 8, 'expected IN after NOT'],
    ["'x' IN ('a')", 7, "A value list needs a field on the left: status IN ('a', 'b')"],
    ["(status = 'x'", 13, "expected AND, OR or ')' to close the '(' at position 0 but found end of input"],
    ["status = 'x')", 12, "This ')' has no matching '('"],
    ["status = 'x' status = 'y'", 13, 'expected AND, OR or the end of the filter but found name status'],
    ['AND x = 1', 0, 'AND is a keyword; for a metadata key of that name write "and" (double quotes)'],
    ['= 1', 0, "expected a field name, such as title or metadata.status but found '='"],
    ['title.x = 1', 0, 'title is a record field with no keys inside; for a metadata key write metadata.title.x'],
    ['metadata. = 1', 10, "expected a key name after the '.' at position 8 but found '='"],
    ["metadata.'x' = 1", 9, 'Keys with unusual characters go in double quotes'],
    ['TRUE', 4, "expected IN, as in 'x' IN tags"],
    ['x = 1 OR', 8, 'expected a field name'],
    ['NOT', 3, 'expected a field name'],
    ['()', 1, "expected a field name, such as title or metadata.status but found ')'"],
  ];

  it.each(ERRORS)('refuses %j at position %i', (text, position, message) => {
    const error = parseError(text);
    expect(error.code).toBe('FILTER_SYNTAX');
    expect(error.message).toContain(message);
    expect(error.message.startsWith(`FILTER_SYNTAX at position ${position} (0-based): expected `)).toBe(true);
    expect(error.data).toMatchObject({ position });
  });

  it(`allows ${MAX_FILTER_DEPTH} levels of parentheses and NOTs, and refuses one more`, () => {
    const nested = (depth: number) => `${'('.repeat(depth)}x = 1${')'.repeat(depth)}`;
    expect(parseFilter(nested(MAX_FILTER_DEPTH))).toMatchObject({ kind: 'compare' });
    expect(parseFilter(`${'NOT '.repeat(MAX_FILTER_DEPTH)}x = 1`)).toMatchObject({ kind: 'not' });
    expect(
      parseFilter(`${'NOT ('.repeat(MAX_FILTER_DEPTH / 2)}x = 1${')'.repeat(MAX_FILTER_DEPTH / 2)}`),
    ).toMatchObject({ kind: 'not' });

    const error = parseError(nested(MAX_FILTER_DEPTH + 1));
    expect(error.message).toBe(
      `FILTER_SYNTAX at position ${MAX_FILTER_DEPTH} (0-based): expected at most ${MAX_FILTER_DEPTH} nested parentheses or NOTs ` +
        "but found a deeper nesting at '('. Flatten the filter: a chain of AND or OR needs no parentheses",
    );
    expect(parseError(`${'NOT '.repeat(MAX_FILTER_DEPTH + 1)}x = 1`).data).toMatchObject({
      position: 4 * MAX_FILTER_DEPTH,
    });
  });

  it('refuses 10,000 nested parentheses with an error, not a stack overflow', () => {
    expect(parseError(`${'('.repeat(10_000)}x = 1${')'.repeat(10_000)}`).data).toMatchObject({
      position: MAX_FILTER_DEPTH,
    });
  });

  it(`allows ${MAX_FILTER_CONDITIONS} conditions in a flat chain and refuses one more`, () => {
    const chain = (count: number) => Array.from({ length: count }, (_, i) => `k = ${i}`).join(' OR ');
    const node = parseFilter(chain(MAX_FILTER_CONDITIONS));
    expect(node?.kind === 'or' && node.operands.length).toBe(MAX_FILTER_CONDITIONS);
    const text = chain(MAX_FILTER_CONDITIONS + 1);
    const error = parseError(text);
    expect(error.message).toContain(
      `expected at most ${MAX_FILTER_CONDITIONS} conditions but found condition number ${MAX_FILTER_CONDITIONS + 1}`,
    );
    expect(error.data).toMatchObject({ position: text.lastIndexOf('k =') });
    // An IN list is one condition, however long.
    const ids = Array.from({ length: 5_000 }, (_, i) => `'id-${i}'`).join(',');
    expect(parseFilter(`uuid IN (${ids})`)).toMatchObject({ kind: 'in' });
  });
});
