import { describe, expect, it } from 'vitest';
import { compileContentTemplate, isMetadataFieldKey, isUuid, mergeMetadata, splitMetadata } from '../../src/index.js';

describe('mergeMetadata', () => {
  it('merges objects deeply, removes keys set to null, replaces other values and leaves its inputs alone', () => {
    const current = { a: 1, nested: { keep: true, drop: 'x', deeper: { n: 1 } }, list: [1, 2], gone: 'y' };
    const updates = { nested: { drop: null, deeper: { m: 2 }, added: { inner: null, v: 1 } }, list: [3], gone: null, fresh: 'z', a: { now: 'object' } };
    const frozen = JSON.stringify(current);
    expect(mergeMetadata(current, updates)).toEqual({
      a: { now: 'object' },
      nested: { keep: true, deeper: { n: 1, m: 2 }, added: { v: 1 } },
      list: [3],
      fresh: 'z',
    });
    expect(JSON.stringify(current)).toBe(frozen);
  });
});

describe('splitMetadata', () => {
  it('moves record-field keys out of metadata and validates them', () => {
    expect(splitMetadata({ title: 'T', tags: ['a'], uuid: '0B8F3C1E-2A4D-4F6B-9C7E-1D2F3A4B5C6D', source_type: null, other: 1 })).toEqual({
      fields: { title: 'T', tags: ['a'], uuid: '0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d', source_type: null },
      metadata: { other: 1 },
    });
    expect(splitMetadata(undefined)).toEqual({ fields: {}, metadata: {} });
    expect(splitMetadata({ tags: null }).fields.tags).toEqual([]);
    expect(isMetadataFieldKey('title')).toBe(true);
    expect(isMetadataFieldKey('content')).toBe(false);
  });

  it('rejects a field value of the wrong type with INVALID_INPUT naming the field', () => {
    for (const [field, value] of [
      ['uuid', 'nope'],
      ['tags', 'a'],
      ['tags', [1]],
      ['record_type', ''],
      ['title', 5],
    ] as const) {
      expect(() => splitMetadata({ [field]: value })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', data: { field } }));
    }
    expect(() => splitMetadata({ title: 'x'.repeat(100) })).not.toThrow();
    expect(() => splitMetadata({ context: ['x'.repeat(100)] })).toThrow(/a list/);
    expect(() => splitMetadata({ uuid: 'y'.repeat(100) })).toThrow(/\.\.\./);
    expect(() => splitMetadata({ uuid: null })).toThrow(/null/);
  });

  it('isUuid accepts UUIDs in either case only', () => {
    expect(isUuid('0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d')).toBe(true);
    expect(isUuid('0B8F3C1E-2A4D-4F6B-9C7E-1D2F3A4B5C6D')).toBe(true);
    expect(isUuid('0b8f3c1e2a4d4f6b9c7e1d2f3a4b5c6d')).toBe(false);
    expect(isUuid(42)).toBe(false);
  });
});

describe('compileContentTemplate', () => {
  const record = {
    uuid: 'u1',
    content: 'Body',
    title: null,
    collection: 'c',
    context: 'ctx',
    record_type: 'document',
    metadata: { a: { b: [10, { c: 'deep' }] }, n: 3, flag: false, obj: { x: 1 } },
  };

  it('renders fields and metadata paths; missing and null values render empty, objects as JSON', () => {
    const render = compileContentTemplate('{{ title }}|{{content}}|{{collection}}|{{context}}|{{uuid}}|{{record_type}}|{{metadata.a.b.1.c}}|{{metadata.a.b.0}}|{{metadata.n}}|{{metadata.flag}}|{{metadata.obj}}|{{metadata.none.x}}|{{metadata.a.b.x}}');
    expect(render(record)).toBe('|Body|c|ctx|u1|document|deep|10|3|false|{"x":1}||');
  });

  it('leaves text without placeholders, and lone braces, as they are', () => {
    expect(compileContentTemplate('plain { text }')(record)).toBe('plain { text }');
  });

  it('throws INVALID_INPUT naming every unknown placeholder', () => {
    expect(() => compileContentTemplate('{{foo}} {{metadata}} {{content}} {{metadata..x}}')).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', data: { field: 'updates.content_template', placeholders: ['{{foo}}', '{{metadata}}', '{{metadata..x}}'] } }),
    );
    expect(() => compileContentTemplate('{{foo}}')).toThrow(/placeholder \{\{foo\}\}/);
  });
});
