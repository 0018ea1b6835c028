// The one gate every enhancement value passes before it is written, whichever enhancer produced it.
import { RECORD_FIELDS } from '@contextframe/dataset';
import { z } from 'zod';
import { METADATA_FIELD_KEYS } from '../records/metadata-fields.js';
import type { Enhancement, EnhancementValues, FactValue } from './enhancer.js';

/** Ceilings on enhancement values; a value over one fails its enhancement rather than being cut. */
export const ENHANCEMENT_LIMITS = Object.freeze({
  titleLength: 300,
  contextLength: 2_000,
  tags: 20,
  tagLength: 100,
  facts: 50,
  factKeyLength: 100,
  factStringLength: 2_000,
  factListLength: 50,
});

/**
 * Metadata keys facts never use: record fields, and keys that would set record fields when metadata is read
 * back (export, import, batch_update). A fact with such a key is left out, so facts never overwrite them.
 */
export const RESERVED_FACT_KEYS: ReadonlySet<string> = new Set([...RECORD_FIELDS, ...METADATA_FIELD_KEYS]);

/** A checked value (as a one-key EnhancementValues), or why the value can't be used. */
export type CheckedEnhancement = { readonly ok: true; readonly values: EnhancementValues } | { readonly ok: false; readonly error: string };

const L = ENHANCEMENT_LIMITS;
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

const titleSchema = z
  .string({ error: 'must be a string' })
  .transform(oneLine)
  .pipe(z.string().min(1, 'is empty').max(L.titleLength, `is longer than ${L.titleLength} characters`));

const contextSchema = z
  .string({ error: 'must be a string' })
  .transform(oneLine)
  .pipe(z.string().min(1, 'is empty').max(L.contextLength, `is longer than ${L.contextLength} characters`));

// A comma-separated string is accepted too: models sometimes answer "a, b, c".
const tagsSchema = z
  .union([z.array(z.string(), { error: 'must be a list of strings' }), z.string().transform((text) => text.split(','))], {
    error: 'must be a list of strings',
  })
  .transform((tags) => uniqueTags(tags.map(oneLine).filter((tag) => tag !== '')))
  .pipe(
    z
      .array(z.string().max(L.tagLength, `has a tag longer than ${L.tagLength} characters`))
      .min(1, 'is empty')
      .max(L.tags, `has more than ${L.tags} tags`),
  );

const factsSchema = z.record(z.string(), z.unknown(), { error: 'must be a JSON object of facts' });

/** Tags without repeats, compared case-insensitively; the first spelling wins. */
export function uniqueTags(tags: Iterable<string>): string[] {
  const seen = new Set<string>();
  const result: string[] = [];
  for (const tag of tags) {
    const key = tag.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(tag);
  }
  return result;
}

function problem(error: z.ZodError): string {
  return error.issues[0]?.message ?? 'is not valid';
}

/**
 * Checks and normalises one enhancement value: titles and context are trimmed to one line, tags are
 * trimmed and deduplicated (case-insensitively), facts are flattened (`{a: {b: 1}}` becomes `a_b: 1`), null
 * facts are dropped (unknown), and facts named like record fields are left out (see RESERVED_FACT_KEYS).
 */
export function checkEnhancement(enhancement: Enhancement, value: unknown): CheckedEnhancement {
  if (enhancement === 'metadata') return checkFacts(value);
  const schema = enhancement === 'title' ? titleSchema : enhancement === 'context' ? contextSchema : tagsSchema;
  const parsed = schema.safeParse(value);
  if (!parsed.success) return { ok: false, error: `${enhancement} ${problem(parsed.error)}` };
  return { ok: true, values: { [enhancement]: parsed.data } };
}

function checkFacts(value: unknown): CheckedEnhancement {
  const parsed = factsSchema.safeParse(value);
  if (!parsed.success) return { ok: false, error: `metadata ${problem(parsed.error)}` };
  const facts: { [key: string]: FactValue } = {};
  // Returns the problem with a fact, if any; nested objects are walked with their keys joined by `_`.
  const add = (key: string, item: unknown): string | undefined => {
    if (item === null || item === undefined) return undefined;
    if (key === '' || key.length > L.factKeyLength) return `metadata has a key that is empty or longer than ${L.factKeyLength} characters`;
    if (typeof item === 'object' && !Array.isArray(item)) {
      for (const [inner, innerValue] of Object.entries(item)) {
        const failed = add(`${key}_${inner.trim()}`, innerValue);
        if (failed !== undefined) return failed;
      }
      return undefined;
    }
    if (RESERVED_FACT_KEYS.has(key)) return undefined;
    const checked = factValue(key, item);
    if (!checked.ok) return checked.error;
    facts[key] = checked.value;
    return undefined;
  };
  for (const [key, item] of Object.entries(parsed.data)) {
    const failed = add(key.trim(), item);
    if (failed !== undefined) return { ok: false, error: failed };
  }
  if (Object.keys(facts).length > L.facts) return { ok: false, error: `metadata has more than ${L.facts} facts` };
  return { ok: true, values: { metadata: facts } };
}

function scalar(value: unknown): string | number | boolean | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return value.length <= L.factStringLength ? value : undefined;
  return undefined;
}

function factValue(key: string, item: unknown): { readonly ok: true; readonly value: FactValue } | { readonly ok: false; readonly error: string } {
  if (!Array.isArray(item)) {
    const value = scalar(item);
    if (value !== undefined) return { ok: true, value };
    return { ok: false, error: `metadata.${key} must be a string (at most ${L.factStringLength} characters), a number, a boolean or a list of them` };
  }
  const values = item.filter((entry) => entry !== null).map(scalar);
  if (values.length > L.factListLength) return { ok: false, error: `metadata.${key} has more than ${L.factListLength} values` };
  if (values.some((entry) => entry === undefined)) {
    return { ok: false, error: `metadata.${key} must be a list of strings (each at most ${L.factStringLength} characters), numbers or booleans` };
  }
  return { ok: true, value: values as (string | number | boolean)[] };
}
