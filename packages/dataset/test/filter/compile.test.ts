import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFilter, DatasetError, FILTER_HELP, parseFilter } from '../../src/index.js';
import type { FilterNode } from '../../src/index.js';
import { SqlParams } from '../../src/sql/params.js';
import { ALL_UUIDS, complement, createFixture } from './fixture.js';
import type { FilterFixture } from './fixture.js';

// Each filter with exactly the fixture records it must select, worked out by hand from fixture.ts.
const CASES: readonly (readonly [filter: string, uuids: readonly string[]])[] = [
  // bare names are metadata keys; metadata keys are case-sensitive
  ["status = 'reviewed'", ['d01', 'd05', 'd10']],
  ["metadata.status = 'reviewed'", ['d01', 'd05', 'd10']],
  ["Status = 'Reviewed'", ['d11']],
  ['"Status" = \'Reviewed\'', ['d11']],
  // a negated operator needs a value of the literal's kind; prefix NOT is the exact complement
  ["status != 'reviewed'", ['d02', 'd06', 'd08', 'd12']],
  ["status <> 'reviewed'", ['d02', 'd06', 'd08', 'd12']],
  ["NOT status = 'reviewed'", ['d02', 'd03', 'd04', 'd06', 'd07', 'd08', 'd09', 'd11', 'd12']],
  ["status ILIKE 'reviewed'", ['d01', 'd05', 'd06', 'd10']],
  ["status < 'b'", ['d06', 'd08', 'd12']],
  ['status IS NULL', ['d03', 'd04', 'd07', 'd09', 'd11']],
  // numbers compare with JSON numbers only: the string "5" of d02 is not the number 5
  ['priority > 3', ['d01', 'd04', 'd06', 'd09', 'd10']],
  ['priority = 5', ['d01']],
  ["priority = '5'", ['d02']],
  ['priority >= -2 AND priority < 1', ['d05', 'd08']],
  ['priority BETWEEN 3.5 AND 7', ['d01', 'd04', 'd10']],
  ['priority NOT BETWEEN 3.5 AND 7', ['d05', 'd06', 'd08', 'd09']],
  ['priority > 1e19', ['d09']],
  ["priority IN (5, 7, '5')", ['d01', 'd02', 'd10']],
  ['priority NOT IN (5, 7)', ['d04', 'd05', 'd06', 'd08', 'd09']],
  ['priority IS NULL', ['d03', 'd07', 'd11', 'd12']],
  ['priority IS NOT NULL', ['d01', 'd02', 'd04', 'd05', 'd06', 'd08', 'd09', 'd10']],
  ['score < 0.01 AND score > 1E-4', ['d05']],
  ['year = 2017.0', ['d01']],
  ['count = 10', []],
  ["count = '10'", ['d09']],
  // booleans compare with JSON booleans only
  ['published = TRUE', ['d01']],
  ['published = false', ['d02']],
  ['published != TRUE', ['d02']],
  ["published = 'false'", ['d10']],
  ['flag = TRUE', []],
  ["flag = 'true'", ['d07']],
  // paths, array indexes and odd keys
  ["metadata.venue.name = 'NeurIPS'", ['d01']],
  ['venue.rank <= 2', ['d01', 'd02']],
  ['metadata.nested.deep.value = 42', ['d07']],
  ['metadata.arr.1 = 2', ['d10']],
  ["metadata.authors.0 = 'Vaswani'", ['d01']],
  ['metadata."my key".x = \'odd\'', ['d04']],
  ["metadata.\"it's\" = 'quote key'", ['d04']],
  ['"$dollar" = 1', ['d04']],
  ['metadata."a/b" = \'slash\'', ['d04']],
  ['metadata."ti~lde" = \'t\'', ['d04']],
  ["metadata.title = 'meta title'", ['d04']],
  ['"title" = \'meta title\'', ['d04']],
  ["title = 'meta title'", []],
  ['metadata.tags IS NOT NULL', ['d12']],
  ['metadata.metadata.inner = 1', ['d12']],
  ['metadata IS NOT NULL', ALL_UUIDS],
  // tags
  ["'ml' IN tags", ['d01', 'd02', 'd05', 'd06', 'd10']],
  ["tags CONTAINS 'nlp'", ['d01', 'd02']],
  ["'ml' NOT IN tags", ['d03', 'd04', 'd07', 'd08', 'd09', 'd11', 'd12']],
  ["tags NOT CONTAINS 'ml' AND collection = 'papers'", ['d07', 'd09']],
  ["'it''s' IN tags", ['d08']],
  ['tags IS NULL', []],
  // text columns
  ["title = 'O''Reilly''s guide'", ['d08']],
  ["title = 'Café crème ☕'", ['d04']],
  ["Title = 'Scores'", ['d10']],
  ["title LIKE 'Attention%'", ['d01', 'd05']],
  ["title NOT LIKE 'Attention%'", ['d02', 'd04', 'd08', 'd09', 'd10', 'd11', 'd12']],
  ["title ILIKE '%CAFÉ%'", ['d04']],
  ["title LIKE '%100!%%' ESCAPE '!'", ['d09']],
  ["title ILIKE '%\\_score' ESCAPE '\\'", ['d09']],
  ['title IS NULL', ['d03', 'd06', 'd07']],
  ["collection IN ('notes', 'web')", ['d03', 'd08', 'd10', 'd11']],
  ["collection NOT IN ('papers')", ['d03', 'd08', 'd10', 'd11', 'd12']],
  ["collection IS NULL OR collection = 'archive'", ['d04', 'd12']],
  ["collection BETWEEN 'n' AND 'q'", ['d01', 'd02', 'd03', 'd05', 'd06', 'd07', 'd09', 'd11']],
  ["record_type = 'chunk' AND parent_id = 'd01'", ['d05', 'd06']],
  ["uuid = 'd03'", ['d03']],
  ["content ILIKE '%drop table%'", ['d08']],
  ["status = '''; DROP TABLE cf_documents; --'", ['d08']],
  ["source_type = 'file' AND source_uri LIKE '/papers/%'", ['d01', 'd02']],
  ['context IS NOT NULL', ['d01', 'd05']],
  ["content_hash = 'abc'", ['d10']],
  // integers
  ['chunk_index >= 1', ['d06', 'd07']],
  ['chunk_index = 0', ['d05']],
  ['chunk_index IN (0, 2)', ['d05', 'd07']],
  ['chunk_index < 1.5', ['d05', 'd06']],
  ['chunk_index != 1', ['d05', 'd07']],
  // timestamps: no offset means UTC; offsets are converted
  ["created_at > '2024-03-01'", ['d03', 'd07', 'd08', 'd09', 'd10']],
  ["created_at >= '2024-03-01T00:00:00Z'", ['d02', 'd03', 'd07', 'd08', 'd09', 'd10']],
  ["created_at BETWEEN '2024-01-15T10:00:00' AND '2024-01-15 10:00:01'", ['d01', 'd05']],
  ["created_at < '2024-01-01T00:00:00+00:00'", ['d04', 'd12']],
  ["created_at = '2023-12-31T23:59:59.999999Z'", ['d04']],
  ["created_at > '2024-01-01T01:00:00+02:00'", complement(['d12'])],
  ["created_at IN ('2024-03-01', '2022-05-05T05:05:05Z')", ['d02', 'd12']],
  ["updated_at > '2025-01-01'", ['d10']],
  // precedence: OR < AND < NOT < comparison; keywords in any case
  ["(status = 'reviewed' OR status = 'draft') AND NOT 'nlp' IN tags", ['d05', 'd10']],
  ["status = 'reviewed' OR status = 'draft' AND priority = 5", ['d01', 'd05', 'd10']],
  ["not not status = 'draft'", ['d02']],
  ["NOT (status = 'reviewed' OR 'ml' IN tags) and collection is not null", ['d03', 'd07', 'd08', 'd09', 'd11', 'd12']],
  // embedding without an embedding column; the empty filter
  ['embedding IS NULL', ALL_UUIDS],
  ['embedding IS NOT NULL', []],
  ['', ALL_UUIDS],
  ['  \n\t ', ALL_UUIDS],
];

let db: FilterFixture;
beforeAll(async () => {
  db = await createFixture();
});
afterAll(() => db.close());

describe('compileFilter against DuckDB', () => {
  it.each(CASES)('%s', async (filter, uuids) => {
    expect(await db.matching(filter)).toEqual([...uuids].sort());
  });

  it.each(CASES.filter(([filter]) => filter.trim() !== ''))(
    'NOT (%s) selects exactly the other records',
    async (filter, uuids) => {
      // Run through an alias too, as the store joins cf_documents under one.
      expect(await db.matching(`NOT (${filter})`, { alias: 'd' })).toEqual(complement(uuids));
    },
  );

  it('reads the embedding column only when the caller says it exists', async () => {
    const params = new SqlParams();
    expect(compileFilter('embedding IS NULL', { params, hasEmbedding: true })).toBe('(embedding IS NULL)');
    expect(compileFilter('embedding IS NOT NULL', { params, hasEmbedding: false })).toBe('FALSE');
    expect(params.values).toEqual([]);
  });

  it('tests the embedding column once vectors exist', async () => {
    const other = await createFixture();
    try {
      await other.connection.run('ALTER TABLE cf_documents ADD COLUMN embedding FLOAT[3]');
      await other.connection.run(
        "UPDATE cf_documents SET embedding = [1, 0, 0]::FLOAT[3] WHERE uuid IN ('d01', 'd05')",
      );
      expect(await other.matching('embedding IS NOT NULL', { hasEmbedding: true })).toEqual(['d01', 'd05']);
      expect(await other.matching("embedding IS NULL AND 'ml' IN tags", { hasEmbedding: true, alias: 'x' })).toEqual([
        'd02',
        'd06',
        'd10',
      ]);
    } finally {
      other.close();
    }
  });

  it('returns TRUE for an empty filter or null, adding no parameters', () => {
    const params = new SqlParams();
    expect(compileFilter('', { params })).toBe('TRUE');
    expect(compileFilter(null, { params })).toBe('TRUE');
    expect(params.values).toEqual([]);
  });

  it('numbers placeholders after the parameters already collected', () => {
    const params = new SqlParams();
    params.add('earlier');
    const sql = compileFilter("uuid = 'd01'", { params });
    expect(sql).toBe('COALESCE(uuid = $2, FALSE)');
    expect(params.values).toEqual(['earlier', 'd01']);
  });

  it('passes JSON paths and type names as parameters, one placeholder per distinct value', () => {
    const params = new SqlParams();
    const sql = compileFilter("metadata.\"it's\".x = 'a' OR metadata.\"it's\".x = 'b'", { params, alias: 'd' });
    expect(sql).not.toContain("it's");
    expect(params.values).toEqual(["/it's/x", 'VARCHAR', 'a', 'b']);
    expect(sql).toBe(
      '(COALESCE((json_type(d.metadata, $1) = $2 AND (json_extract_string(d.metadata, $1) = $3)), FALSE) OR ' +
        'COALESCE((json_type(d.metadata, $1) = $2 AND (json_extract_string(d.metadata, $1) = $4)), FALSE))',
    );
  });

  it('turns timestamps into UTC before they reach DuckDB', () => {
    const params = new SqlParams();
    compileFilter("created_at > '2024-01-01T01:30:00.5+02:00'", { params });
    expect(params.values).toEqual(['2023-12-31 23:30:00.500000']);
  });

  it('sends integers beyond 64 bits as text cast to DOUBLE, which node-api cannot bind as numbers', async () => {
    const params = new SqlParams();
    compileFilter('priority < 1e300 AND priority > 9007199254740993', { params });
    expect(params.values).toContain('1e+300');
    expect(await db.matching('priority < 1e300 AND priority > 9007199254740993')).toEqual(['d09']);
  });

  it('compiles a hand-built AST, including empty AND and OR', async () => {
    const field = { kind: 'column', name: 'uuid', position: 0 } as const;
    const node: FilterNode = {
      kind: 'or',
      position: 0,
      operands: [
        { kind: 'compare', field, operator: '=', value: { value: 'd01', position: 0 }, position: 0 },
        { kind: 'and', operands: [], position: 0 },
      ],
    };
    expect(await db.matching(node)).toEqual(ALL_UUIDS);
    expect(await db.matching({ kind: 'or', operands: [], position: 0 })).toEqual([]);
    expect(await db.matching(parseFilter("uuid IN ('d02', 'd03')"))).toEqual(['d02', 'd03']);
  });

  it('refuses an alias that is not a plain identifier', () => {
    const run = () => compileFilter("uuid = 'x'", { params: new SqlParams(), alias: 'd; DROP TABLE x' });
    expect(run).toThrow(DatasetError);
    expect(run).toThrow(/alias must be a plain SQL identifier/);
  });
});

// Each ill-typed filter, the code, the 0-based position and a piece of the message it must give.
const TYPE_ERRORS: readonly (readonly [filter: string, position: number, message: string])[] = [
  ["tags = 'x'", 0, "Write tags CONTAINS 'x' or 'x' IN tags"],
  ["tags IN ('a', 'b')", 0, 'tags is a list'],
  ["tags LIKE 'a%'", 0, 'tags is a list'],
  ["chunk_index > 'abc'", 14, "expected a number (chunk_index is an integer) but found string 'abc'"],
  ["chunk_index LIKE '1%'", 17, 'a text field for LIKE (chunk_index is an integer)'],
  ["created_at > 'not-a-date'", 13, "expected an ISO 8601 timestamp such as '2024-05-01'"],
  ["created_at > '2024-02-30'", 13, 'ISO 8601 timestamp'],
  ['created_at > 20240101', 13, 'ISO 8601 timestamp'],
  ["created_at LIKE '2024%'", 0, 'a text field for LIKE (created_at is a timestamp)'],
  ['title LIKE 5', 11, "expected a string pattern after LIKE, such as '%word%' but found number 5"],
  ['status ILIKE TRUE', 13, 'a string pattern after ILIKE'],
  ["title LIKE 'a' ESCAPE 'ab'", 22, 'a single ASCII character after ESCAPE'],
  ['embedding = 1', 0, 'IS NULL or IS NOT NULL (embedding can only be tested for presence)'],
  ["embedding CONTAINS 'x'", 10, 'only tags is a list'],
  ['title = 5', 8, "expected a 'string' (title is text) but found number 5"],
  ["uuid IN ('a', 2)", 14, "a 'string' (uuid is text)"],
  ['collection = TRUE', 13, 'found TRUE'],
  ["metadata = 'x'", 0, 'a key path such as metadata.status'],
  ['published > TRUE', 10, 'Booleans have no order'],
  ["priority BETWEEN 1 AND '9'", 23, 'two numbers or two strings for BETWEEN'],
  ['published NOT BETWEEN FALSE AND TRUE', 22, 'two numbers or two strings for NOT BETWEEN'],
  ["title CONTAINS 'x'", 6, "To find text inside title write title ILIKE '%word%'"],
  ["'x' IN metadata.list", 4, 'only tags is a list'],
  ['tags CONTAINS 5', 14, 'a string to look for in tags'],
];

describe('compileFilter type errors', () => {
  it.each(TYPE_ERRORS)('%s is FILTER_TYPE at %i', (filter, position, message) => {
    const error = catchError(() => compileFilter(filter, { params: new SqlParams() }));
    expect(error.code).toBe('FILTER_TYPE');
    expect(error.message).toContain(message);
    expect(error.message).toMatch(
      new RegExp(`^FILTER_TYPE at position ${position} \\(0-based\\): expected .+ but found .+`),
    );
    expect(error.data).toMatchObject({ position });
  });

  it('rejects non-finite numbers and empty paths in hand-built ASTs', () => {
    const infinite: FilterNode = {
      kind: 'compare',
      field: { kind: 'metadata', path: ['x'], position: 0 },
      operator: '=',
      value: { value: Number.POSITIVE_INFINITY, position: 4 },
      position: 2,
    };
    expect(catchError(() => compileFilter(infinite, { params: new SqlParams() })).message).toContain('a finite number');
    const noValues: FilterNode = {
      kind: 'in',
      field: { kind: 'column', name: 'uuid', position: 0 },
      negated: true,
      values: [],
      position: 5,
    };
    expect(catchError(() => compileFilter(noValues, { params: new SqlParams() })).message).toBe(
      'FILTER_TYPE at position 5 (0-based): expected at least one value after NOT IN but found an empty list',
    );
    const empty: FilterNode = {
      kind: 'is-null',
      field: { kind: 'metadata', path: [], position: 0 },
      negated: false,
      position: 0,
    };
    expect(catchError(() => compileFilter(empty, { params: new SqlParams() })).code).toBe('FILTER_TYPE');
  });

  it('refuses a hand-built AST nested deeper than the parser allows', () => {
    let node: FilterNode = {
      kind: 'is-null',
      field: { kind: 'column', name: 'title', position: 0 },
      negated: false,
      position: 0,
    };
    for (let i = 0; i < 10_000; i += 1) node = { kind: 'not', operand: node, position: 0 };
    expect(catchError(() => compileFilter(node, { params: new SqlParams() })).code).toBe('FILTER_SYNTAX');
  });
});

function catchError(run: () => unknown): DatasetError {
  try {
    run();
  } catch (error) {
    if (error instanceof DatasetError) return error;
    throw error;
  }
  throw new Error('expected a DatasetError, but nothing was thrown');
}

describe('FILTER_HELP', () => {
  it('gives an example that compiles and selects what it says', async () => {
    const example = /^Example: (.+)$/m.exec(FILTER_HELP)?.[1] ?? '';
    expect(example).toContain('status');
    // reviewed with a number priority >= 3 (d01 5, d10 7), created after 2024-01-01, without the draft tag
    expect(await db.matching(example)).toEqual(['d01', 'd10']);
  });
});
