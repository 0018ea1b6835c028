import { describe, expect, it } from 'vitest';
import { checkEnhancement, ENHANCEMENT_LIMITS, RESERVED_FACT_KEYS } from '../../src/index.js';

describe('checkEnhancement', () => {
  it('trims titles and context to one line and refuses empty, over-long or non-string values', () => {
    expect(checkEnhancement('title', '  A\n title  ')).toEqual({ ok: true, values: { title: 'A title' } });
    expect(checkEnhancement('context', 'One.\n\nTwo.')).toEqual({ ok: true, values: { context: 'One. Two.' } });
    expect(checkEnhancement('title', ' ')).toEqual({ ok: false, error: 'title is empty' });
    expect(checkEnhancement('title', 'x'.repeat(ENHANCEMENT_LIMITS.titleLength + 1))).toEqual({ ok: false, error: 'title is longer than 300 characters' });
    expect(checkEnhancement('context', 42)).toEqual({ ok: false, error: 'context must be a string' });
  });

  it('trims and deduplicates tags case-insensitively, accepts a comma-separated string, and refuses none or too many', () => {
    expect(checkEnhancement('tags', [' DuckDB ', 'duckdb', 'search', '', 'Search'])).toEqual({ ok: true, values: { tags: ['DuckDB', 'search'] } });
    expect(checkEnhancement('tags', 'a, b ,a')).toEqual({ ok: true, values: { tags: ['a', 'b'] } });
    expect(checkEnhancement('tags', [' ', ''])).toEqual({ ok: false, error: 'tags is empty' });
    expect(checkEnhancement('tags', Array.from({ length: 21 }, (_, i) => `t${i}`))).toEqual({ ok: false, error: 'tags has more than 20 tags' });
    expect(checkEnhancement('tags', [1, 2])).toEqual({ ok: false, error: 'tags must be a list of strings' });
  });

  it('flattens facts, drops nulls and record-field keys, and refuses nested lists or objects in lists', () => {
    expect(
      checkEnhancement('metadata', { author: 'Ann', owner: { team: 'x', lead: { name: 'Bo' } }, unknown: null, list: ['a', 1, true, null], title: 'no', tags: ['no'], content: 'no' }),
    ).toEqual({ ok: true, values: { metadata: { author: 'Ann', owner_team: 'x', owner_lead_name: 'Bo', list: ['a', 1, true] } } });
    expect(checkEnhancement('metadata', {})).toEqual({ ok: true, values: { metadata: {} } });
    expect(checkEnhancement('metadata', { list: [{ a: 1 }] })).toMatchObject({ ok: false, error: expect.stringContaining('metadata.list must be a list of strings') });
    expect(checkEnhancement('metadata', ['a'])).toEqual({ ok: false, error: 'metadata must be a JSON object of facts' });
    expect(checkEnhancement('metadata', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])))).toEqual({ ok: false, error: 'metadata has more than 50 facts' });
    expect(checkEnhancement('metadata', { '': 1 })).toMatchObject({ ok: false });
  });

  it('reserves every record field and every metadata key that sets one', () => {
    for (const key of ['uuid', 'title', 'content', 'context', 'tags', 'metadata', 'collection', 'record_type', 'source_uri', 'embedding', 'updated_at']) {
      expect(RESERVED_FACT_KEYS.has(key)).toBe(true);
    }
    expect(RESERVED_FACT_KEYS.has('author')).toBe(false);
  });
});
