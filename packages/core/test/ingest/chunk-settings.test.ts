import type { JsonObject } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';
import { chunkRecordOf, chunkSettingsOf, withChunkSettings } from '../../src/ingest/chunk-settings.js';
import { CHUNKING_METADATA_KEY } from '../../src/index.js';

const chunk = (content: string, chunk_index: number, metadata: JsonObject = {}) => ({ content, chunk_index, metadata });

describe('chunkSettingsOf', () => {
  it('reads the settings recorded on the chunks', () => {
    const recorded = { [CHUNKING_METADATA_KEY]: { size: 500, overlap: 50 } };
    expect(chunkSettingsOf([chunk('a', 1, recorded), chunk('bb', 0, recorded)])).toEqual({ settings: { size: 500, overlap: 50 }, recorded: true });
  });

  it('infers the longest chunk (in code points) with overlap 0 when none are recorded', () => {
    // Four emoji are eight UTF-16 units but four characters, as chunkText counts them.
    expect(chunkSettingsOf([chunk('abc', 0), chunk('😀😀😀😀', 1), chunk('', 2)])).toEqual({ settings: { size: 4, overlap: 0 }, recorded: false });
  });

  it('ignores recorded settings chunkText would refuse, and takes the first valid ones by chunk_index', () => {
    const bad = [{ size: 0, overlap: 0 }, { size: 10, overlap: 10 }, { size: 2.5, overlap: 0 }, 'ten', null];
    for (const value of bad) expect(chunkSettingsOf([chunk('hello', 0, { [CHUNKING_METADATA_KEY]: value })])!.recorded).toBe(false);
    const mixed = [chunk('x', 1, { [CHUNKING_METADATA_KEY]: { size: 30, overlap: 0 } }), chunk('y', 0, { [CHUNKING_METADATA_KEY]: { size: 20, overlap: 5 } })];
    expect(chunkSettingsOf(mixed)!.settings).toEqual({ size: 20, overlap: 5 });
  });

  it('is undefined for a document without chunks', () => {
    expect(chunkSettingsOf([])).toBeUndefined();
  });
});

describe('chunk records', () => {
  it('copy their document\'s fields and metadata and add the settings, leaving the document\'s metadata as it was', () => {
    const metadata: JsonObject = { status: 'draft', [CHUNKING_METADATA_KEY]: 'user value' };
    const parent = { uuid: 'p', metadata, collection: 'c', title: 't', context: null, tags: ['x'], source_type: 'file', source_uri: 'a.txt' };
    const record = chunkRecordOf(parent, { size: 10, overlap: 2 }, 'text', 3, null);
    expect(record).toEqual({
      collection: 'c',
      title: 't',
      content: 'text',
      context: null,
      tags: ['x'],
      metadata: { status: 'draft', [CHUNKING_METADATA_KEY]: { size: 10, overlap: 2 } },
      record_type: 'chunk',
      parent_id: 'p',
      chunk_index: 3,
      source_type: 'file',
      source_uri: 'a.txt',
      embedding: null,
    });
    expect(metadata).toEqual({ status: 'draft', [CHUNKING_METADATA_KEY]: 'user value' });
    expect(withChunkSettings({}, { size: 1, overlap: 0 })).toEqual({ [CHUNKING_METADATA_KEY]: { size: 1, overlap: 0 } });
  });
});
