// Compiles a filter AST to a parameterized DuckDB boolean expression over cf_documents; values never enter the SQL text.
import { DatasetError } from '../errors.js';
import type { RecordField } from '../record.js';
import type { SqlParams } from '../sql/params.js';
import type { ComparisonOperator, FieldRef, FilterNode, Literal, MetadataField } from './ast.js';
import { describeField, excerpt, filterError } from './filter-error.js';
import { parseIsoTimestamp } from './iso-timestamp.js';
import { MAX_FILTER_DEPTH, parseFilter } from './parser.js';

/** Options of compileFilter. */
export interface CompileFilterOptions {
  /** Receives every value; the SQL refers to them as `$n`. */
  readonly params: SqlParams;
  /** Prefix for column references (`d` gives `d.title`); a plain SQL identifier. Default: no prefix. */
  readonly alias?: string;
  /**
   * Whether cf_documents has its `embedding` column yet (it is added when the first vector is written).
   * When false, `embedding IS NULL` compiles to TRUE and `embedding IS NOT NULL` to FALSE. Default false.
   */
  readonly hasEmbedding?: boolean;
}

type ColumnType = 'text' | 'integer' | 'timestamp' | 'tags' | 'json' | 'embedding';
type ValueKind = 'string' | 'number' | 'boolean';

const COLUMN_TYPES: Readonly<Record<RecordField, ColumnType>> = {
  uuid: 'text',
  collection: 'text',
  title: 'text',
  content: 'text',
  context: 'text',
  tags: 'tags',
  metadata: 'json',
  record_type: 'text',
  parent_id: 'text',
  chunk_index: 'integer',
  source_type: 'text',
  source_uri: 'text',
  content_hash: 'text',
  embedding: 'embedding',
  created_at: 'timestamp',
  updated_at: 'timestamp',
};

// json_type names of JSON numbers: yyjson reads integers as BIGINT/UBIGINT and everything else as DOUBLE.
const JSON_NUMBER_TYPES = ['BIGINT', 'UBIGINT', 'DOUBLE'] as const;
const SQL_OPERATORS: Readonly<Record<ComparisonOperator, string>> = {
  '=': '=',
  '!=': '<>',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};
// Bound on hand-built ASTs, which skip the parser's own depth check: each '(' or NOT may add two levels.
const MAX_AST_DEPTH = 2 * MAX_FILTER_DEPTH + 2;
const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A field read as one kind of value: `guard` (when present) says the stored value has that kind. */
interface Operand {
  readonly guard: string | null;
  readonly expr: string;
}

/**
 * Compiles a filter (text, an AST from parseFilter, or null) to a DuckDB boolean expression over
 * cf_documents. Every value, JSON path and type name goes through `options.params`; the returned SQL holds
 * only column names, keywords, functions and `$n` placeholders. Empty text and null give `TRUE`.
 *
 * Semantics: a condition is true only when the field holds a value of the literal's kind that satisfies it
 * (a JSON number for `priority > 3`, a JSON string for `status = 'x'`); a missing key, JSON null, SQL NULL
 * or a value of another kind makes it false, also for `!=`, NOT IN, NOT LIKE and NOT BETWEEN. Prefix NOT
 * is the exact complement: `NOT status = 'x'` matches every document `status = 'x'` does not.
 *
 * Throws FILTER_SYNTAX for text that does not parse, FILTER_TYPE for a value that a field can never hold
 * (`chunk_index > 'abc'`, `tags = 'x'`), and INVALID_ARGUMENT for an alias that is not an identifier.
 */
export function compileFilter(input: string | FilterNode | null, options: CompileFilterOptions): string {
  const alias = options.alias ?? '';
  if (alias !== '' && !SQL_IDENTIFIER.test(alias)) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `compileFilter: alias must be a plain SQL identifier, got ${JSON.stringify(excerpt(alias))}`,
    );
  }
  const node = typeof input === 'string' ? parseFilter(input) : input;
  if (node === null) return 'TRUE';
  return new Compiler(options.params, alias, options.hasEmbedding ?? false).compile(node, 0);
}

class Compiler {
  readonly #params: SqlParams;
  readonly #prefix: string;
  readonly #hasEmbedding: boolean;
  // JSON paths and type names recur in one filter; one placeholder each keeps the parameter list short.
  readonly #sharedPlaceholders = new Map<string, string>();

  constructor(params: SqlParams, alias: string, hasEmbedding: boolean) {
    this.#params = params;
    this.#prefix = alias === '' ? '' : `${alias}.`;
    this.#hasEmbedding = hasEmbedding;
  }

  compile(node: FilterNode, depth: number): string {
    if (depth > MAX_AST_DEPTH) {
      throw filterError(
        'FILTER_SYNTAX',
        node.position,
        `a filter nested at most ${MAX_FILTER_DEPTH} levels deep`,
        'a deeper one',
      );
    }
    switch (node.kind) {
      case 'and':
      case 'or': {
        if (node.operands.length === 0) return node.kind === 'and' ? 'TRUE' : 'FALSE';
        const parts = node.operands.map((operand) => this.compile(operand, depth + 1));
        return `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      }
      case 'not':
        return `(NOT ${this.compile(node.operand, depth + 1)})`;
      case 'compare': {
        const kind = this.#kindFor(node.field, node.value, `'${node.operator}'`);
        if (kind === 'boolean' && node.operator !== '=' && node.operator !== '!=') {
          throw filterError(
            'FILTER_TYPE',
            node.position,
            `= or != to compare with TRUE or FALSE`,
            `'${node.operator}'`,
            'Booleans have no order',
          );
        }
        const operand = this.#operand(node.field, kind);
        return this.#present(
          operand,
          `${operand.expr} ${SQL_OPERATORS[node.operator]} ${this.#value(kind, node.value, node.field)}`,
        );
      }
      case 'in': {
        const operator = node.negated ? 'NOT IN' : 'IN';
        // The parser never builds an empty list; a hand-built one would otherwise be invalid SQL.
        if (node.values.length === 0) {
          throw filterError('FILTER_TYPE', node.position, `at least one value after ${operator}`, 'an empty list');
        }
        const groups = new Map<ValueKind, string[]>();
        for (const literal of node.values) {
          const kind = this.#kindFor(node.field, literal, operator);
          const group = groups.get(kind) ?? [];
          group.push(this.#value(kind, literal, node.field));
          groups.set(kind, group);
        }
        // A stored value has one kind, so testing each kind's group and OR-ing them keeps NOT IN right too.
        const parts = [...groups].map(([kind, values]) => {
          const operand = this.#operand(node.field, kind);
          return this.#guarded(operand, `${operand.expr} ${operator} (${values.join(', ')})`);
        });
        return `COALESCE(${parts.join(' OR ')}, FALSE)`;
      }
      case 'like': {
        const word = node.caseInsensitive ? 'ILIKE' : 'LIKE';
        if (typeof node.pattern.value !== 'string') {
          throw filterError(
            'FILTER_TYPE',
            node.pattern.position,
            `a string pattern after ${word}, such as '%word%'`,
            describeLiteral(node.pattern),
          );
        }
        const kind = this.#kindFor(node.field, node.pattern, word);
        const operand = this.#operand(node.field, kind);
        let sql = `${operand.expr} ${node.negated ? 'NOT ' : ''}${word} ${this.#params.add(node.pattern.value)}`;
        if (node.escape !== null) {
          const escapeChar = node.escape.value;
          if (typeof escapeChar !== 'string' || !/^[\x20-\x7e]$/.test(escapeChar)) {
            throw filterError(
              'FILTER_TYPE',
              node.escape.position,
              "a single ASCII character after ESCAPE, such as '!'",
              describeLiteral(node.escape),
            );
          }
          sql += ` ESCAPE ${this.#params.add(escapeChar)}`;
        }
        return this.#present(operand, sql);
      }
      case 'between': {
        const word = node.negated ? 'NOT BETWEEN' : 'BETWEEN';
        const kind = this.#kindFor(node.field, node.low, word);
        const highKind = this.#kindFor(node.field, node.high, word);
        if (kind === 'boolean' || highKind !== kind) {
          const bad = kind === 'boolean' ? node.low : node.high;
          throw filterError(
            'FILTER_TYPE',
            bad.position,
            `two numbers or two strings for ${word}`,
            describeLiteral(bad),
          );
        }
        const operand = this.#operand(node.field, kind);
        const low = this.#value(kind, node.low, node.field);
        const high = this.#value(kind, node.high, node.field);
        return this.#present(operand, `${operand.expr} ${word} ${low} AND ${high}`);
      }
      case 'is-null':
        return this.#isNull(node.field, node.negated);
      case 'contains': {
        const word = node.negated ? 'NOT CONTAINS' : 'CONTAINS';
        if (node.field.kind !== 'column' || node.field.name !== 'tags') {
          const label = describeField(node.field);
          const hint =
            node.field.kind === 'column' && COLUMN_TYPES[node.field.name] === 'text'
              ? `To find text inside ${label} write ${label} ILIKE '%word%'`
              : undefined;
          throw filterError(
            'FILTER_TYPE',
            node.position,
            `tags before ${word}, or tags after IN without parentheses (only tags is a list)`,
            label,
            hint,
          );
        }
        if (typeof node.value.value !== 'string') {
          throw filterError(
            'FILTER_TYPE',
            node.value.position,
            "a string to look for in tags, such as 'draft'",
            describeLiteral(node.value),
          );
        }
        const contains = `COALESCE(list_contains(${this.#column('tags')}, ${this.#params.add(node.value.value)}), FALSE)`;
        return node.negated ? `(NOT ${contains})` : contains;
      }
    }
  }

  #column(name: RecordField): string {
    return `${this.#prefix}${name}`;
  }

  #shared(value: string): string {
    let placeholder = this.#sharedPlaceholders.get(value);
    if (placeholder === undefined) {
      placeholder = this.#params.add(value);
      this.#sharedPlaceholders.set(value, placeholder);
    }
    return placeholder;
  }

  /** The JSON pointer (RFC 6901) of a metadata path: DuckDB reads it with no quoting rules to get wrong. */
  #path(field: MetadataField): string {
    if (field.path.length === 0) {
      throw filterError(
        'FILTER_TYPE',
        field.position,
        'a metadata key, such as metadata.status',
        'an empty metadata path',
      );
    }
    return this.#shared(`/${field.path.map((key) => key.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`);
  }

  /** The kind of value `literal` is, after checking that `field` can hold it; throws FILTER_TYPE if not. */
  #kindFor(field: FieldRef, literal: Literal, operator: string): ValueKind {
    const kind = typeof literal.value as ValueKind;
    if (field.kind === 'metadata') return kind;
    const name = field.name;
    const like = operator === 'LIKE' || operator === 'ILIKE';
    switch (COLUMN_TYPES[name]) {
      case 'text':
        if (kind !== 'string') {
          throw filterError('FILTER_TYPE', literal.position, `a 'string' (${name} is text)`, describeLiteral(literal));
        }
        return kind;
      case 'integer':
        if (kind !== 'number' || like) {
          const expected = like
            ? `a text field for ${operator} (${name} is an integer)`
            : `a number (${name} is an integer)`;
          throw filterError('FILTER_TYPE', literal.position, expected, describeLiteral(literal));
        }
        return kind;
      case 'timestamp':
        if (like) {
          throw filterError(
            'FILTER_TYPE',
            field.position,
            `a text field for ${operator} (${name} is a timestamp)`,
            name,
            `Compare timestamps with <, >= or BETWEEN, e.g. ${name} >= '2024-05-01'`,
          );
        }
        if (kind !== 'string' || parseIsoTimestamp(literal.value as string) === null) {
          throw filterError(
            'FILTER_TYPE',
            literal.position,
            `an ISO 8601 timestamp such as '2024-05-01' or '2024-05-01T12:00:00Z' (${name} is a timestamp)`,
            describeLiteral(literal),
          );
        }
        return kind;
      case 'tags':
        throw filterError(
          'FILTER_TYPE',
          field.position,
          "CONTAINS, 'x' IN tags or IS [NOT] NULL (tags is a list)",
          `${operator} on tags`,
          "Write tags CONTAINS 'x' or 'x' IN tags",
        );
      case 'embedding':
        throw filterError(
          'FILTER_TYPE',
          field.position,
          'IS NULL or IS NOT NULL (embedding can only be tested for presence)',
          `${operator} on embedding`,
        );
      case 'json':
        throw filterError(
          'FILTER_TYPE',
          field.position,
          'a key path such as metadata.status (metadata alone is the whole object)',
          `${operator} on metadata`,
        );
    }
  }

  /** `field` read as a value of `kind`; for metadata the guard checks the JSON type first. */
  #operand(field: FieldRef, kind: ValueKind): Operand {
    if (field.kind === 'column') return { guard: null, expr: this.#column(field.name) };
    const path = this.#path(field);
    const metadata = this.#column('metadata');
    const type = `json_type(${metadata}, ${path})`;
    const text = `json_extract_string(${metadata}, ${path})`;
    switch (kind) {
      case 'string':
        return { guard: `${type} = ${this.#shared('VARCHAR')}`, expr: text };
      case 'number': {
        const types = JSON_NUMBER_TYPES.map((name) => this.#shared(name)).join(', ');
        // TRY_CAST: DuckDB may evaluate the cast on rows the guard rejects.
        return { guard: `${type} IN (${types})`, expr: `TRY_CAST(${text} AS DOUBLE)` };
      }
      case 'boolean':
        return { guard: `${type} = ${this.#shared('BOOLEAN')}`, expr: `TRY_CAST(${text} AS BOOLEAN)` };
    }
  }

  /** A literal as SQL: a placeholder, cast so that DuckDB compares it in the field's type. */
  #value(kind: ValueKind, literal: Literal, field: FieldRef): string {
    const value = literal.value;
    if (kind === 'number') {
      if (!Number.isFinite(value)) {
        throw filterError('FILTER_TYPE', literal.position, 'a finite number', describeLiteral(literal));
      }
      // node-api binds integers as INTEGER/BIGINT and fails past 64 bits, so those travel as text.
      return `CAST(${this.#params.add(Number.isSafeInteger(value) || !Number.isInteger(value) ? value : String(value))} AS DOUBLE)`;
    }
    if (kind === 'string' && field.kind === 'column' && COLUMN_TYPES[field.name] === 'timestamp') {
      return `CAST(${this.#params.add(parseIsoTimestamp(value as string))} AS TIMESTAMP)`;
    }
    return this.#params.add(value);
  }

  #guarded(operand: Operand, condition: string): string {
    return operand.guard === null ? condition : `(${operand.guard} AND (${condition}))`;
  }

  /** Makes a condition false, never NULL, when the value is missing or of another kind. */
  #present(operand: Operand, condition: string): string {
    return `COALESCE(${this.#guarded(operand, condition)}, FALSE)`;
  }

  #isNull(field: FieldRef, negated: boolean): string {
    if (field.kind === 'metadata') {
      // json_type is NULL for a missing key and 'NULL' for a JSON null: both count as null.
      const nul = this.#shared('NULL');
      return `(COALESCE(json_type(${this.#column('metadata')}, ${this.#path(field)}), ${nul}) ${negated ? '<>' : '='} ${nul})`;
    }
    if (field.name === 'embedding' && !this.#hasEmbedding) return negated ? 'FALSE' : 'TRUE';
    return `(${this.#column(field.name)} IS ${negated ? 'NOT ' : ''}NULL)`;
  }
}

function describeLiteral(literal: Literal): string {
  const value = literal.value;
  if (typeof value === 'string') return `string '${excerpt(value)}'`;
  if (typeof value === 'number') return `number ${value}`;
  return value ? 'TRUE' : 'FALSE';
}
