import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { MARKDOWN_DOC } from '../fixtures.js';
import { tempDir, utf8 } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('markdown extraction', () => {
  it('turns YAML front matter into metadata, strips it from the content and takes the title from it', async () => {
    const result = await extractInline({ bytes: dir.file('notes.md', MARKDOWN_DOC), name: 'notes.md' });
    expect(result.format).toBe('markdown');
    expect(result.title).toBe('Field Notes');
    expect(result.metadata).toEqual({ title: 'Field Notes', author: 'Ada', tags: ['birds', 'marsh'], count: 3, draft: false, published: '2024-05-01', encoding: 'utf-8' });
    expect(result.content.startsWith('# Heading In Body\n\nSaw **three** herons')).toBe(true);
    expect(result.content).not.toContain('author: Ada');
    // Blank-line runs collapse to one.
    expect(result.content).not.toContain('\n\n\n');
  });

  it('takes the first heading as the title without front matter, skipping fenced code and inline markup', async () => {
    const atx = await extractInline({ bytes: utf8('```\n# code comment\n```\n\nIntro\n\n## The **Bold** [Plan](http://x) ##\n\n# Later'), name: 'a.md' });
    expect(atx.title).toBe('The Bold Plan');
    const setext = await extractInline({ bytes: utf8('Setext Title\n============\n\nbody'), name: 'b.md' });
    expect(setext.title).toBe('Setext Title');
    const none = await extractInline({ bytes: utf8('just prose'), name: 'c.md' });
    expect(none.title).toBeNull();
  });

  it('ignores front matter that is not a mapping, explaining why in metadata, and keeps the body', async () => {
    const list = await extractInline({ bytes: utf8('---\n- a\n- b\n---\n# Body Title\ntext'), name: 'l.md' });
    expect(list.title).toBe('Body Title');
    expect(list.metadata).toEqual({ encoding: 'utf-8', front_matter_error: 'front matter is a YAML list, not a mapping of keys' });
    expect(list.content).toBe('# Body Title\ntext');
    const broken = await extractInline({ bytes: utf8('---\nkey: [unclosed\n---\nbody'), name: 'b.md' });
    expect(broken.metadata.front_matter_error).toMatch(/^front matter is not valid YAML/);
    expect(broken.content).toBe('body');
  });

  it('refuses a YAML alias bomb in front matter without expanding it', async () => {
    const bomb = ['---', 'a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`), '---', 'body'].join('\n');
    const result = await extractInline({ bytes: utf8(bomb), name: 'bomb.md' });
    expect(result.content).toBe('body');
    expect(result.metadata.front_matter_error).toMatch(/not valid YAML/);
  });

  it('keeps a leading --- without a closing line as content (a thematic break, not front matter)', async () => {
    const result = await extractInline({ bytes: utf8('---\nnot: front matter\n\nbody'), name: 'x.md' });
    expect(result.content).toBe('---\nnot: front matter\n\nbody');
    expect(result.metadata).toEqual({ encoding: 'utf-8' });
  });

  it('lets the extractor\'s own keys win over front matter keys of the same name', async () => {
    const result = await extractInline({ bytes: utf8('---\nencoding: ebcdic\nmood: calm\n---\nbody'), name: 'k.md' });
    expect(result.metadata).toEqual({ encoding: 'utf-8', mood: 'calm' });
  });
});
