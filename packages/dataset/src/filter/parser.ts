// Recursive-descent parser for the filter language; precedence from loosest: OR, AND, NOT, comparison.
import { RECORD_FIELDS } from '../record.js';
import type { RecordField } from '../record.js';
import type { FieldRef, FilterNode, Literal } from './ast.js';
import { describeField, excerpt, filterError } from './filter-error.js';
import { describeToken, lexFilter } from './lexer.js';
import type { FilterKeyword, Token } from './lexer.js';

/** Parentheses and NOTs nest at most this deep; deeper input is refused rather than overflowing the stack. */
export const MAX_FILTER_DEPTH = 64;

/**
 * At most this many conditions in one filter (an IN list counts as one). DuckDB takes about a millisecond to
 * plan each, so a filter at the length limit made of tiny conditions would otherwise hold a query for seconds.
 */
export const MAX_FILTER_CONDITIONS = 1_000;

// Record fields match case-insensitively, like SQL columns; metadata keys stay case-sensitive, like JSON.
const RECORD_FIELD_BY_LOWER: ReadonlyMap<string, RecordField> = new Map(RECORD_FIELDS.map((f) => [f, f]));

const OPERATORS_EXPECTED =
  'an operator (=, !=, <>, <, <=, >, >=, [NOT] IN, [NOT] LIKE, [NOT] ILIKE, IS [NOT] NULL, [NOT] BETWEEN or [NOT] CONTAINS)';
const VALUE_EXPECTED = "a value (a 'string', a number, TRUE or FALSE)";
const FUNCTION_HINT = "Functions are not supported: compare the field itself, e.g. title ILIKE '%word%'";

/**
 * Parses filter text into an AST. Returns null for an empty or whitespace-only filter, which means "every
 * document". Throws DatasetError FILTER_SYNTAX, with `data: { position, expected, found }` (0-based position),
 * when the text is not in the grammar, longer than MAX_FILTER_LENGTH, nested deeper than MAX_FILTER_DEPTH or
 * made of more than MAX_FILTER_CONDITIONS conditions.
 * Whether values suit their fields is checked by compileFilter (FILTER_TYPE).
 */
export function parseFilter(text: string): FilterNode | null {
  const tokens = lexFilter(text);
  if (tokens.length === 1) return null;
  return new Parser(tokens).parse();
}

class Parser {
  readonly #tokens: readonly Token[];
  #index = 0;
  #depth = 0;
  #conditions = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  parse(): FilterNode {
    const node = this.#or();
    const next = this.#peek();
    if (next.kind !== 'end') {
      const hint = next.text === ')' ? "This ')' has no matching '('" : undefined;
      throw filterError('FILTER_SYNTAX', next.position, 'AND, OR or the end of the filter', describeToken(next), hint);
    }
    return node;
  }

  // The lexer always ends the list with an `end` token and the parser never moves past it.
  #peek(): Token {
    return this.#tokens[this.#index] as Token;
  }

  #next(): Token {
    const token = this.#peek();
    if (token.kind !== 'end') this.#index += 1;
    return token;
  }

  #isKeyword(token: Token, ...words: FilterKeyword[]): boolean {
    return token.kind === 'keyword' && (words as string[]).includes(token.text);
  }

  #acceptKeyword(word: FilterKeyword): boolean {
    if (!this.#isKeyword(this.#peek(), word)) return false;
    this.#index += 1;
    return true;
  }

  #enter(token: Token): void {
    this.#depth += 1;
    if (this.#depth > MAX_FILTER_DEPTH) {
      throw filterError(
        'FILTER_SYNTAX',
        token.position,
        `at most ${MAX_FILTER_DEPTH} nested parentheses or NOTs`,
        `a deeper nesting at ${describeToken(token)}`,
        'Flatten the filter: a chain of AND or OR needs no parentheses',
      );
    }
  }

  #or(): FilterNode {
    const first = this.#and();
    const position = this.#peek().position;
    const operands = [first];
    while (this.#acceptKeyword('OR')) operands.push(this.#and());
    return operands.length === 1 ? first : { kind: 'or', operands, position };
  }

  #and(): FilterNode {
    const first = this.#not();
    const position = this.#peek().position;
    const operands = [first];
    while (this.#acceptKeyword('AND')) operands.push(this.#not());
    return operands.length === 1 ? first : { kind: 'and', operands, position };
  }

  #not(): FilterNode {
    const token = this.#peek();
    if (!this.#isKeyword(token, 'NOT')) return this.#primary();
    this.#enter(token);
    this.#index += 1;
    const operand = this.#not();
    this.#depth -= 1;
    return { kind: 'not', operand, position: token.position };
  }

  #primary(): FilterNode {
    const open = this.#peek();
    if (!this.#isPunctuation(open, '(')) return this.#condition();
    this.#enter(open);
    this.#index += 1;
    const inner = this.#or();
    const close = this.#next();
    if (!this.#isPunctuation(close, ')')) {
      throw filterError(
        'FILTER_SYNTAX',
        close.position,
        `AND, OR or ')' to close the '(' at position ${open.position}`,
        describeToken(close),
      );
    }
    this.#depth -= 1;
    return inner;
  }

  #condition(): FilterNode {
    const start = this.#peek();
    this.#conditions += 1;
    if (this.#conditions > MAX_FILTER_CONDITIONS) {
      throw filterError(
        'FILTER_SYNTAX',
        start.position,
        `at most ${MAX_FILTER_CONDITIONS} conditions`,
        `condition number ${this.#conditions}`,
        "Test one field against many values with IN: uuid IN ('a', 'b', ...)",
      );
    }
    if (start.kind === 'string' || start.kind === 'number' || this.#isKeyword(start, 'TRUE', 'FALSE')) {
      return this.#membership();
    }
    const field = this.#field();
    const token = this.#next();
    const label = describeField(field);
    if (token.kind === 'operator') {
      const operator = token.text === '<>' ? '!=' : token.text;
      const value = this.#literal(`'${token.text}'`);
      return { kind: 'compare', field, operator, value, position: token.position };
    }
    let negated = false;
    let word: Token = token;
    if (this.#isKeyword(token, 'NOT')) {
      negated = true;
      word = this.#next();
      if (!this.#isKeyword(word, 'IN', 'LIKE', 'ILIKE', 'BETWEEN', 'CONTAINS')) {
        throw filterError(
          'FILTER_SYNTAX',
          word.position,
          `IN, LIKE, ILIKE, BETWEEN or CONTAINS after ${label} NOT`,
          describeToken(word),
        );
      }
    }
    if (word.kind === 'keyword') {
      switch (word.text) {
        case 'IN':
          return { kind: 'in', field, negated, values: this.#list(), position: word.position };
        case 'LIKE':
        case 'ILIKE': {
          const pattern = this.#literal(word.text);
          const escapeLiteral = this.#acceptKeyword('ESCAPE') ? this.#literal('ESCAPE') : null;
          return {
            kind: 'like',
            field,
            negated,
            caseInsensitive: word.text === 'ILIKE',
            pattern,
            escape: escapeLiteral,
            position: word.position,
          };
        }
        case 'BETWEEN': {
          const low = this.#literal('BETWEEN');
          const and = this.#next();
          if (!this.#isKeyword(and, 'AND')) {
            throw filterError('FILTER_SYNTAX', and.position, `AND between the two ends of BETWEEN`, describeToken(and));
          }
          const high = this.#literal('BETWEEN ... AND');
          return { kind: 'between', field, negated, low, high, position: word.position };
        }
        case 'CONTAINS':
          return { kind: 'contains', field, negated, value: this.#literal('CONTAINS'), position: word.position };
        case 'IS': {
          const not = this.#acceptKeyword('NOT');
          const nul = this.#next();
          if (!this.#isKeyword(nul, 'NULL')) {
            throw filterError(
              'FILTER_SYNTAX',
              nul.position,
              not ? 'NULL after IS NOT' : 'NULL or NOT NULL after IS',
              describeToken(nul),
            );
          }
          return { kind: 'is-null', field, negated: not, position: word.position };
        }
      }
    }
    const hint =
      token.kind === 'string' || token.kind === 'number'
        ? "Put an operator between the field and the value, e.g. status = 'done'"
        : undefined;
    throw filterError(
      'FILTER_SYNTAX',
      token.position,
      `${OPERATORS_EXPECTED} after ${label}`,
      describeToken(token),
      hint,
    );
  }

  /** `'x' [NOT] IN tags`: a value on the left is only ever list membership. */
  #membership(): FilterNode {
    const value = this.#literal('');
    const negated = this.#acceptKeyword('NOT');
    const word = this.#next();
    if (!this.#isKeyword(word, 'IN')) {
      throw filterError(
        'FILTER_SYNTAX',
        word.position,
        negated ? 'IN after NOT' : "IN, as in 'x' IN tags (a value may come first only to test list membership)",
        describeToken(word),
        "Put the field first, e.g. status = 'done'",
      );
    }
    const target = this.#peek();
    if (this.#isPunctuation(target, '(')) {
      throw filterError(
        'FILTER_SYNTAX',
        target.position,
        "a list field after IN, as in 'x' IN tags",
        describeToken(target),
        "A value list needs a field on the left: status IN ('a', 'b')",
      );
    }
    const field = this.#field();
    return { kind: 'contains', field, negated, value, position: word.position };
  }

  /** `( literal, ... )` after IN. */
  #list(): Literal[] {
    const open = this.#next();
    if (!this.#isPunctuation(open, '(')) {
      throw filterError(
        'FILTER_SYNTAX',
        open.position,
        "'(' and a list of values after IN",
        describeToken(open),
        "Write status IN ('a', 'b'); for list membership write 'x' IN tags",
      );
    }
    const values = [this.#literal("'('")];
    for (;;) {
      const token = this.#next();
      if (this.#isPunctuation(token, ')')) return values;
      if (!this.#isPunctuation(token, ',')) {
        throw filterError(
          'FILTER_SYNTAX',
          token.position,
          `',' or ')' in the IN list that starts at position ${open.position}`,
          describeToken(token),
        );
      }
      values.push(this.#literal("','"));
    }
  }

  #literal(after: string): Literal {
    const token = this.#next();
    const position = token.position;
    if (token.kind === 'string') return { value: token.text, position };
    if (token.kind === 'number') return { value: token.value, position };
    if (this.#isKeyword(token, 'TRUE', 'FALSE')) return { value: token.text === 'TRUE', position };
    const expected = after === '' ? VALUE_EXPECTED : `${VALUE_EXPECTED} after ${after}`;
    let hint: string | undefined;
    if (this.#isKeyword(token, 'NULL')) hint = 'To test for a missing value write IS NULL or IS NOT NULL';
    else if (token.kind === 'identifier' && this.#isPunctuation(this.#peek(), '(')) hint = FUNCTION_HINT;
    else if (token.kind === 'identifier' || token.kind === 'quoted-identifier')
      hint = "Strings need single quotes, e.g. 'done'; comparing two fields is not supported";
    throw filterError('FILTER_SYNTAX', position, expected, describeToken(token), hint);
  }

  #isPunctuation(token: Token, text: '(' | ')' | ',' | '.'): boolean {
    return token.kind === 'punctuation' && token.text === text;
  }

  /** A field: a record field, `metadata.a.b`, a bare metadata key, or a path with "quoted" segments. */
  #field(): FieldRef {
    const first = this.#next();
    const position = first.position;
    if (first.kind !== 'identifier' && first.kind !== 'quoted-identifier') {
      const hint =
        first.kind === 'keyword'
          ? `${first.text} is a keyword; for a metadata key of that name write "${first.text.toLowerCase()}" (double quotes)`
          : undefined;
      throw filterError(
        'FILTER_SYNTAX',
        position,
        'a field name, such as title or metadata.status',
        describeToken(first),
        hint,
      );
    }
    const segments: string[] = [];
    while (this.#isPunctuation(this.#peek(), '.')) {
      const dot = this.#next();
      const segment = this.#next();
      if (segment.kind !== 'identifier' && segment.kind !== 'quoted-identifier') {
        throw filterError(
          'FILTER_SYNTAX',
          segment.position,
          `a key name after the '.' at position ${dot.position}`,
          describeToken(segment),
          'Keys with unusual characters go in double quotes: metadata."my key"',
        );
      }
      segments.push(segment.text);
    }
    if (this.#isPunctuation(this.#peek(), '(')) {
      const name = [first.text, ...segments].join('.');
      throw filterError(
        'FILTER_SYNTAX',
        position,
        'a field name',
        `a function call ${excerpt(name)}(...)`,
        FUNCTION_HINT,
      );
    }
    // A quoted first name is always a metadata key: that is how to reach a key that shares a record field's name.
    const column = first.kind === 'identifier' ? RECORD_FIELD_BY_LOWER.get(first.text.toLowerCase()) : undefined;
    if (column === undefined) return { kind: 'metadata', path: [first.text, ...segments], position };
    if (column === 'metadata') {
      return segments.length === 0
        ? { kind: 'column', name: column, position }
        : { kind: 'metadata', path: segments, position };
    }
    if (segments.length > 0) {
      throw filterError(
        'FILTER_SYNTAX',
        position,
        `an operator after ${column}`,
        `a key path ${column}.${segments.join('.')}`,
        `${column} is a record field with no keys inside; for a metadata key write metadata.${column}.${segments.join('.')}`,
      );
    }
    return { kind: 'column', name: column, position };
  }
}
