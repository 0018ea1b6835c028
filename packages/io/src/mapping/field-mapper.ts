// Maps a source row's fields onto a record: explicit mappings first, then same-named record fields, then
// whatever is left into metadata (or nowhere). Compiled once per import, then run on every row.
import { type JsonObject, type NewRecord, RECORD_FIELDS, type RecordField } from '@contextframe/dataset';
import type { SourceFields } from '../format-reader.js';
import { IoError } from '../io-error.js';
import { CoercionError, assignField, metadataValue } from './coerce.js';

/** `{ "source.path": "target" }`: a dotted path into the source row, to a record field or `metadata.x.y`. */
export type FieldMapping = Readonly<Record<string, string>>;

export interface FieldMapperOptions {
  /** Where source fields that are neither record fields nor mapped go: into `metadata` (default) or nowhere. */
  readonly unmapped?: 'metadata' | 'drop';
  /** When true, a source field that is neither a record field nor mapped is a row error. */
  readonly requireSchemaMatch?: boolean;
}

/** The outcome of mapping one row: a record, or the first field that could not be used and why. */
export type MapResult = { readonly ok: true; readonly record: NewRecord } | { readonly ok: false; readonly field: string | null; readonly error: string };

/** Maps source rows to records; see `createFieldMapper`. */
export interface FieldMapper {
  /** The source fields (top-level names) that the mapping reads. */
  readonly sourceFields: ReadonlySet<string>;
  /** True when a source column of this name is accepted: a record field, mapped, or allowed as unknown. */
  accepts(column: string): boolean;
  map(fields: SourceFields): MapResult;
}

interface Rule {
  readonly source: string;
  readonly path: readonly string[];
  readonly field: RecordField | null; // a record field, or null for a metadata path
  readonly metadataPath: readonly string[];
}

const FIELDS: ReadonlySet<string> = new Set(RECORD_FIELDS);

function getPath(fields: SourceFields, rule: Rule): unknown {
  // A source key may itself contain dots (a CSV column named "a.b"); the literal key wins.
  if (Object.hasOwn(fields, rule.source)) return fields[rule.source];
  let value: unknown = fields;
  for (const part of rule.path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/**
 * Compiles `mapping` (checked here: INVALID_OPTIONS for an empty path, a target that is neither a record
 * field nor `metadata.<key>`, or two sources for one target). Per row:
 *
 * 1. each mapped source path that is present is coerced into its target;
 * 2. every other source field named like a record field fills that field;
 * 3. the rest go into `metadata` under their own names (without replacing a key the row's metadata has),
 *    are dropped, or are row errors under `requireSchemaMatch`.
 *
 * `metadata.x` targets are set last and win. A row without `content` is a row error.
 */
export function createFieldMapper(mapping: FieldMapping = {}, options: FieldMapperOptions = {}): FieldMapper {
  const unmapped = options.unmapped ?? 'metadata';
  const strict = options.requireSchemaMatch ?? false;
  const rules: Rule[] = [];
  const consumed = new Set<string>();
  const targets = new Map<string, string>();
  for (const [source, target] of Object.entries(mapping)) {
    const path = source.split('.');
    if (source === '' || path.some((part) => part === '')) {
      throw new IoError('INVALID_OPTIONS', `Field mapping source ${JSON.stringify(source)} is not a dotted path like "meta.author"; fix the mapping.`, {
        data: { source, target },
      });
    }
    let field: RecordField | null = null;
    let metadataPath: string[] = [];
    if (FIELDS.has(target)) field = target as RecordField;
    else if (target.startsWith('metadata.') && target.split('.').slice(1).every((part) => part !== '')) metadataPath = target.split('.').slice(1);
    else {
      throw new IoError(
        'INVALID_OPTIONS',
        `Field mapping target ${JSON.stringify(target)} (for ${JSON.stringify(source)}) is not a record field or "metadata.<key>"; ` +
          `use one of ${RECORD_FIELDS.join(', ')}, or metadata.<key>.`,
        { data: { source, target } },
      );
    }
    const earlier = targets.get(target);
    if (earlier !== undefined) {
      throw new IoError('INVALID_OPTIONS', `Field mapping sends both ${JSON.stringify(earlier)} and ${JSON.stringify(source)} to "${target}"; map one source to each target.`, {
        data: { sources: [earlier, source], target },
      });
    }
    targets.set(target, source);
    rules.push({ source, path, field, metadataPath });
    consumed.add(source);
    consumed.add(path[0]!);
  }
  const metadataRules = rules.filter((rule) => rule.field === null);
  const fieldRules = rules.filter((rule) => rule.field !== null);

  const accepts = (column: string): boolean => consumed.has(column) || FIELDS.has(column) || !strict;

  const map = (fields: SourceFields): MapResult => {
    const record: Record<string, unknown> = {};
    let current = '';
    try {
      for (const rule of fieldRules) {
        const value = getPath(fields, rule);
        if (value === undefined) continue;
        current = rule.source;
        assignField(record, rule.field!, value);
      }
      let extras: Record<string, unknown> | null = null;
      for (const key in fields) {
        if (consumed.has(key)) continue;
        const value = fields[key];
        if (value === undefined) continue;
        if (FIELDS.has(key)) {
          current = key;
          assignField(record, key as RecordField, value);
        } else if (strict) {
          return { ok: false, field: key, error: `"${key}" is not a record field and is not mapped; map it (e.g. "${key}": "metadata.${key}") or turn off require_schema_match` };
        } else if (unmapped === 'metadata') {
          extras ??= {};
          extras[key] = metadataValue(value);
        }
      }
      if (extras !== null || metadataRules.length > 0) {
        const metadata: Record<string, unknown> = { ...((record.metadata as JsonObject | undefined) ?? {}) };
        if (extras !== null) {
          for (const key in extras) if (!Object.hasOwn(metadata, key)) metadata[key] = extras[key];
        }
        for (const rule of metadataRules) {
          const value = getPath(fields, rule);
          if (value === undefined) continue;
          current = rule.source;
          // Text that holds a JSON object stays text here: only the metadata field itself is parsed.
          setPath(metadata, rule.metadataPath, metadataValue(value));
        }
        record.metadata = metadata;
      }
    } catch (error) {
      if (error instanceof CoercionError) return { ok: false, field: current, error: `${current} ${error.message}` };
      throw error;
    }
    if (typeof record.content !== 'string') return { ok: false, field: 'content', error: 'content is missing; every document needs its text in "content" (or map a field to it)' };
    return { ok: true, record: record as NewRecord };
  };

  return { sourceFields: consumed, accepts, map };
}
