// The filter AST: what parseFilter produces and compileFilter consumes. Every node remembers its position:
// the 0-based offset of its operator (the first AND/OR of a chain), of a field's first name, of a literal.
import type { RecordField } from '../record.js';

/** A record column, e.g. `title` or `chunk_index`. `position` is a 0-based offset into the filter text. */
export interface ColumnField {
  readonly kind: 'column';
  readonly name: RecordField;
  readonly position: number;
}

/** A key path into the `metadata` JSON: `metadata.a.b` and the bare `status` both become one. Never empty. */
export interface MetadataField {
  readonly kind: 'metadata';
  readonly path: readonly string[];
  readonly position: number;
}

/** What a condition tests. */
export type FieldRef = ColumnField | MetadataField;

/** A value written in the filter: a string, a number or a boolean. `NULL` is only ever tested with IS NULL. */
export interface Literal {
  readonly value: string | number | boolean;
  readonly position: number;
}

/** Comparison operators; `<>` is parsed as `!=`. */
export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** `a AND b AND ...`: chains are kept flat, so a long chain never makes a deep tree. */
export interface AndNode {
  readonly kind: 'and';
  readonly operands: readonly FilterNode[];
  readonly position: number;
}

/** `a OR b OR ...`, flat like AndNode. */
export interface OrNode {
  readonly kind: 'or';
  readonly operands: readonly FilterNode[];
  readonly position: number;
}

/** `NOT a`: exactly the documents `a` does not match. */
export interface NotNode {
  readonly kind: 'not';
  readonly operand: FilterNode;
  readonly position: number;
}

/** `field op value`. */
export interface CompareNode {
  readonly kind: 'compare';
  readonly field: FieldRef;
  readonly operator: ComparisonOperator;
  readonly value: Literal;
  readonly position: number;
}

/** `field [NOT] IN (value, ...)`. */
export interface InNode {
  readonly kind: 'in';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly values: readonly Literal[];
  readonly position: number;
}

/** `field [NOT] LIKE|ILIKE pattern [ESCAPE 'c']`. */
export interface LikeNode {
  readonly kind: 'like';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
  readonly pattern: Literal;
  readonly escape: Literal | null;
  readonly position: number;
}

/** `field IS [NOT] NULL`. */
export interface IsNullNode {
  readonly kind: 'is-null';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly position: number;
}

/** `field [NOT] BETWEEN low AND high` (both ends included). */
export interface BetweenNode {
  readonly kind: 'between';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly low: Literal;
  readonly high: Literal;
  readonly position: number;
}

/** List membership: `tags [NOT] CONTAINS 'x'` and `'x' [NOT] IN tags`. */
export interface ContainsNode {
  readonly kind: 'contains';
  readonly field: FieldRef;
  readonly negated: boolean;
  readonly value: Literal;
  readonly position: number;
}

/** Any filter expression. */
export type FilterNode =
  AndNode | OrNode | NotNode | CompareNode | InNode | LikeNode | IsNullNode | BetweenNode | ContainsNode;
