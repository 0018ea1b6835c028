// content_template: new content rendered from each record, e.g. "{{title}}\n\n{{content}}".
import type { FrameRecord, JsonValue } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';

/** The record fields a template reads. */
export type TemplateSource = Pick<FrameRecord, 'uuid' | 'content' | 'title' | 'collection' | 'context' | 'record_type' | 'metadata'>;

/** Renders a template against one record. */
export type ContentTemplate = (record: TemplateSource) => string;

/** Fields a placeholder may name, besides `metadata.<path>`. */
export const TEMPLATE_FIELDS = ['content', 'title', 'collection', 'context', 'uuid', 'record_type'] as const;

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const FIELDS: ReadonlySet<string> = new Set(TEMPLATE_FIELDS);
const METADATA_PATH = /^metadata(\.[^.\s]+)+$/;

type Part = string | ((record: TemplateSource) => string);

function show(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function metadataAt(metadata: JsonValue, path: readonly string[]): JsonValue | undefined {
  let value: JsonValue | undefined = metadata;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = Array.isArray(value) ? (/^\d+$/.test(key) ? value[Number(key)] : undefined) : value[key];
  }
  return value;
}

/**
 * Compiles a template whose placeholders are `{{content}}`, `{{title}}`, `{{collection}}`, `{{context}}`,
 * `{{uuid}}`, `{{record_type}}` and `{{metadata.a.b}}` (a number indexes a list). A missing or null value
 * renders as empty text; objects and lists render as JSON. Throws CoreError INVALID_INPUT naming every unknown
 * placeholder, so a bad template fails before any document changes.
 */
export function compileContentTemplate(template: string): ContentTemplate {
  const parts: Part[] = [];
  const unknown: string[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[1]!.trim();
    if (FIELDS.has(name)) {
      const field = name as (typeof TEMPLATE_FIELDS)[number];
      parts.push((record) => show(record[field]));
    } else if (METADATA_PATH.test(name)) {
      const path = name.split('.').slice(1);
      parts.push((record) => show(metadataAt(record.metadata, path)));
    } else {
      unknown.push(match[0]);
    }
  }
  parts.push(template.slice(last));
  if (unknown.length > 0) {
    throw new CoreError(
      'INVALID_INPUT',
      `content_template has unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ` +
        `use {{content}}, {{title}}, {{collection}}, {{context}}, {{uuid}}, {{record_type}} or {{metadata.key}}. Nothing was changed.`,
      { data: { field: 'updates.content_template', placeholders: unknown } },
    );
  }
  return (record) => parts.map((part) => (typeof part === 'string' ? part : part(record))).join('');
}
