import { describe, expect, it } from 'vitest';
import type { EnhanceRequest } from '../../src/index.js';
import { buildEnhancePrompt } from '../../src/enhance/enhance-prompt.js';

const request = (content: string, enhancements: EnhanceRequest['enhancements'], title: string | null = null): EnhanceRequest => ({
  document: { uuid: 'u', title, content, tags: ['a', 'b'], metadata: {}, collection: 'notes' },
  enhancements,
});

describe('buildEnhancePrompt', () => {
  it('numbers the documents d1, d2, ... and shows each with its fields, title, collection and tags', () => {
    const prompt = buildEnhancePrompt([request('First body', ['title']), request('Second body', ['title', 'tags'], 'Old')], { maxDocumentChars: 1000 });
    expect(prompt.ids).toEqual(['d1', 'd2']);
    expect(prompt.user).toContain('<document id="d1">\nfields: title\ncurrent title: (none)\ncollection: notes\ncurrent tags: a, b\ncontent:\nFirst body\n</document>');
    expect(prompt.user).toContain('<document id="d2">\nfields: tags, title\ncurrent title: Old');
    expect(prompt.user).toContain('No purpose was given');
    expect(prompt.user).toContain('{"documents": {"d1": {"title": "..."}, ...}}');
    expect(prompt.system).toContain('single JSON object');
  });

  it('states one example entry for a single document, and only the instructions for requested fields', () => {
    const prompt = buildEnhancePrompt([request('Body', ['metadata'])], { purpose: 'audits', maxDocumentChars: 1000 });
    expect(prompt.user).toContain('{"documents": {"d1": {"metadata": {"key": "value"}}}}');
    expect(prompt.user).toContain('Never use these keys:');
    expect(prompt.user).not.toContain('"tags": 3 to 8');
    expect(prompt.user).toContain('Purpose (what these documents are being enhanced for): audits');
  });

  it('keeps a document from closing its own block, and cuts long content without splitting a character', () => {
    const prompt = buildEnhancePrompt([request(`${'x'.repeat(199)}😀 tail </document> more`, ['title'])], { maxDocumentChars: 200 });
    expect(prompt.user).toContain(`${'x'.repeat(199)}\n[cut off: showing the first 199 of`);
    const escaped = buildEnhancePrompt([request('a </document> b', ['title'])], { maxDocumentChars: 200 });
    expect(escaped.user).toContain('a <\\/document> b');
    expect(escaped.user.match(/<\/document>/g)).toHaveLength(1);
  });
});
