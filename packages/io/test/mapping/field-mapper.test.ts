// Field mapping: explicit paths, same-named fields, unmapped fields, coercions and what makes a row bad.
import { describe, expect, it } from 'vitest';
import { createFieldMapper } from '../../src/index.js';
import { expectIoError } from '../helpers.js';

describe('createFieldMapper', () => {
  it('maps dotted source paths into record fields and metadata paths, the rest into metadata', () => {
    const mapper = createFieldMapper({ 'doc.body': 'content', 'doc.meta.author': 'metadata.author.name', heading: 'title', 'a.b': 'context' });
    const result = mapper.map({
      doc: { body: 'text', meta: { author: 'Ann' } },
      heading: 'A title',
      'a.b': 'literal dotted key',
      tags: 'x, y ,,z',
      extra: 1,
      metadata: { kept: true, extra: 'mine wins' },
    });
    expect(result).toEqual({
      ok: true,
      record: {
        content: 'text',
        title: 'A title',
        context: 'literal dotted key',
        tags: ['x', 'y', 'z'],
        metadata: { kept: true, extra: 'mine wins', author: { name: 'Ann' } },
      },
    });
  });

  it('drops unmapped fields when asked, and skips mapped paths that are missing', () => {
    const mapper = createFieldMapper({ 'x.y': 'title' }, { unmapped: 'drop' });
    expect(mapper.map({ content: 'c', other: 1, x: 5 })).toEqual({ ok: true, record: { content: 'c' } });
  });

  it('makes unknown fields row errors under requireSchemaMatch, but accepts mapped and record fields', () => {
    const mapper = createFieldMapper({ body: 'content' }, { requireSchemaMatch: true });
    expect(mapper.map({ body: 'c', title: 't' })).toEqual({ ok: true, record: { content: 'c', title: 't' } });
    expect(mapper.map({ body: 'c', surprise: 1 })).toEqual({ ok: false, field: 'surprise', error: expect.stringMatching(/"surprise" is not a record field/) });
    expect(mapper.accepts('body')).toBe(true);
    expect(mapper.accepts('uuid')).toBe(true);
    expect(mapper.accepts('surprise')).toBe(false);
  });

  it('coerces text from a CSV: tags, metadata and embedding JSON, integers, timestamps, nulls', () => {
    const mapper = createFieldMapper();
    const result = mapper.map({
      content: 'c',
      tags: '["a","b,c"]',
      metadata: '{"k":[1,2]}',
      embedding: '[0.1,-0,3]',
      chunk_index: ' 4 ',
      created_at: '2024-05-01 10:00',
      updated_at: '2024-05-01T12:00:00+02:00',
      title: 12,
      context: true,
      uuid: null,
      record_type: '',
      collection: null,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const { embedding, ...rest } = result.record;
    expect(rest).toEqual({
      content: 'c',
      tags: ['a', 'b,c'],
      metadata: { k: [1, 2] },
      chunk_index: 4,
      created_at: '2024-05-01T10:00:00.000Z',
      updated_at: '2024-05-01T10:00:00.000Z',
      title: '12',
      context: 'true',
      collection: null,
    });
    expect(embedding).toEqual(new Float32Array([0.1, -0, 3]));
    expect(Object.is((embedding as Float32Array)[1], -0)).toBe(true);
  });

  it('treats null and empty values as absent where a field cannot be null', () => {
    const mapper = createFieldMapper();
    expect(mapper.map({ content: 'c', tags: null, metadata: '', embedding: '', chunk_index: '', created_at: null, updated_at: '' })).toEqual({
      ok: true,
      record: { content: 'c', tags: [], metadata: {}, embedding: null, chunk_index: null },
    });
  });

  it('keeps a timestamp that is already canonical, and normalizes one that is not', () => {
    const mapper = createFieldMapper();
    const at = (value: unknown) => {
      const result = mapper.map({ content: 'c', created_at: value });
      return result.ok ? result.record.created_at : result.error;
    };
    expect(at('2024-02-29T23:59:59.999Z')).toBe('2024-02-29T23:59:59.999Z');
    expect(at('2024-03-31T00:00:00.000Z')).toBe('2024-03-31T00:00:00.000Z');
    expect(at('2024-05-01')).toBe('2024-05-01T00:00:00.000Z');
    expect(at(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(at('2023-02-30T00:00:00.000Z')).toMatch(/is not a real date/);
    expect(at('2024-02-29T12:00:00+02:00')).toBe('2024-02-29T10:00:00.000Z');
  });

  it('reports the field and reason of the first value that cannot be used', () => {
    const mapper = createFieldMapper({ when: 'created_at' });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ content: 'c', when: 'yesterday' }, 'when', /when must be an ISO 8601 timestamp/],
      [{ content: 'c', created_at: 5 }, 'created_at', /must be an ISO 8601 timestamp/],
      [{ content: 'c', tags: '[1' }, 'tags', /JSON array of strings or comma-separated/],
      [{ content: 'c', tags: [1] }, 'tags', /must hold only strings/],
      [{ content: 'c', tags: 5 }, 'tags', /must be a list of strings/],
      [{ content: 'c', metadata: '{bad' }, 'metadata', /not JSON/],
      [{ content: 'c', metadata: [1] }, 'metadata', /must be an object, got an array/],
      [{ content: 'c', embedding: '[1,"x"]' }, 'embedding', /item 1 is "x"/],
      [{ content: 'c', embedding: 'nope' }, 'embedding', /JSON array of numbers/],
      [{ content: 'c', embedding: { a: 1 } }, 'embedding', /list of numbers, got a object/],
      [{ content: 'c', embedding: [1e39] }, 'embedding', /outside the float32 range/],
      [{ content: 'c', chunk_index: '1.5' }, 'chunk_index', /whole number/],
      [{ content: 'c', title: { a: 1 } }, 'title', /must be text, got a object/],
      [{ content: null }, 'content', /is required/],
      [{ title: 't' }, 'content', /content is missing/],
    ];
    for (const [fields, field, message] of cases) {
      const result = mapper.map(fields);
      expect(result.ok, JSON.stringify(fields)).toBe(false);
      if (result.ok) continue;
      expect(result.field).toBe(field);
      expect(result.error).toMatch(message);
    }
  });

  it('keeps Float32Array values of unmapped fields in metadata as plain numbers', () => {
    const result = createFieldMapper().map({ content: 'c', vec: new Float32Array([1, 2]) });
    expect(result).toEqual({ ok: true, record: { content: 'c', metadata: { vec: [1, 2] } } });
  });

  it('rejects a mapping with a bad path or target, or two sources for one target', async () => {
    await expectIoError(Promise.resolve().then(() => createFieldMapper({ '': 'title' })), 'INVALID_OPTIONS');
    await expectIoError(Promise.resolve().then(() => createFieldMapper({ 'a..b': 'title' })), 'INVALID_OPTIONS');
    await expectIoError(Promise.resolve().then(() => createFieldMapper({ a: 'nonsense' })), 'INVALID_OPTIONS');
    await expectIoError(Promise.resolve().then(() => createFieldMapper({ a: 'metadata.' })), 'INVALID_OPTIONS');
    await expectIoError(Promise.resolve().then(() => createFieldMapper({ a: 'title', b: 'title' })), 'INVALID_OPTIONS');
  });
});
