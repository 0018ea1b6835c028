import { afterAll, describe, expect, it } from 'vitest';
import { extractInline } from '../../src/index.js';
import { HTML_PAGE } from '../fixtures.js';
import { tempDir, utf8 } from '../helpers.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('html extraction', () => {
  it('keeps the main text with paragraph and line breaks, and takes the title from <title>', async () => {
    const result = await extractInline({ bytes: dir.file('page.html', HTML_PAGE), name: 'page.html' });
    expect(result.format).toBe('html');
    expect(result.title).toBe('Tide Tables & Moon Phases');
    expect(result.content).toContain('Spring tides\n\nWhen the sun and the moon align, tides are higher than usual — these are spring tides.');
    expect(result.content).toContain('Neap tides happen at the quarter moons.\nThey are weaker.');
    expect(result.content).toContain('Spring: new and full moon\nNeap: quarter moons');
    expect(result.content).toContain('Phase\tTide\nFull\tSpring');
    expect(result.content).toContain('  high   04:12\n  low    10:30');
    expect(result.metadata).toEqual({ lang: 'en', description: 'How the moon drives the tides', author: 'R. Carson', encoding: 'utf-8' });
  });

  it('leaves out scripts, styles, navigation, page header and footer, asides, forms, noscript, templates and hidden text', async () => {
    const { content } = await extractInline({ bytes: dir.file('page2.html', HTML_PAGE), name: 'page2.html' });
    for (const absent of [
      'secretScriptText', 'ScriptInBodyText', 'color: red', 'secret-style-text', 'SiteBannerText', 'NavLinkHome', 'NavLinkAbout',
      'FooterCopyrightText', 'AsideTeaserText', 'FormLabelText', 'NoscriptText', 'TemplateText', 'HiddenText', 'OG title',
    ]) {
      expect(content, absent).not.toContain(absent);
    }
  });

  it('falls back to og:title and then the first <h1> when there is no <title>', async () => {
    const og = await extractInline({ bytes: utf8('<html><head><meta property="og:title" content="From OG"></head><body><h1>Heading</h1><p>x</p></body></html>') });
    expect(og.title).toBe('From OG');
    const h1 = await extractInline({ bytes: utf8('<html><body><p>intro</p><h1>The <i>Real</i> Heading</h1><p>text</p></body></html>') });
    expect(h1.title).toBe('The Real Heading');
    expect(h1.content).toBe('intro\n\nThe Real Heading\n\ntext');
  });

  it('uses [role=main] or a single <article> when there is no <main>, and the whole body otherwise', async () => {
    const role = await extractInline({ bytes: utf8('<html><body><div>Chrome text</div><div role="main"><p>Role main text</p></div></body></html>') });
    expect(role.content).toBe('Role main text');
    const article = await extractInline({ bytes: utf8('<html><body><div>Sidebar words</div><article><p>Article words</p></article></body></html>') });
    expect(article.content).toBe('Article words');
    const two = await extractInline({ bytes: utf8('<html><body><div>Intro</div><article>One</article><article>Two</article></body></html>') });
    expect(two.content).toBe('Intro\n\nOne\n\nTwo');
  });

  it('decodes entities and keeps text whose only container is chrome rather than returning nothing', async () => {
    const entities = await extractInline({ bytes: utf8('<html><body><p>Caf&eacute; &#x263A; &lt;b&gt; &amp;&nbsp;co</p></body></html>') });
    expect(entities.content).toBe('Café ☺ <b> &\u00a0co');
    const formOnly = await extractInline({ bytes: utf8('<html><body><form><label>Only a form here</label></form></body></html>') });
    expect(formOnly.content).toBe('Only a form here');
  });

  it('survives malformed markup: unclosed tags, stray closers and an unterminated script', async () => {
    const result = await extractInline({ bytes: utf8('<html><body><p>one<div>two</span></p><p>three<b>bold<i>both</body><script>lost(') });
    expect(result.content).toContain('one');
    expect(result.content).toContain('two');
    expect(result.content).toContain('threeboldboth');
    expect(result.content).not.toContain('lost(');
  });

  // Walking recursively would overflow the stack near 10,000 levels. (htmlparser2's own element stack is quadratic in
  // depth, which is why the depth stays at 20,000 here: deeper pathological pages are stopped by the pool's timeout.)
  it('handles 20,000 nested elements without overflowing the stack', async () => {
    const deep = `<html><body>${'<div>'.repeat(20_000)}deep text${'</div>'.repeat(20_000)}</body></html>`;
    const result = await extractInline({ bytes: utf8(deep) });
    expect(result.content).toBe('deep text');
  });

  it('reads a page in its declared legacy charset when the bytes are not UTF-8', async () => {
    const bytes = new Uint8Array([...utf8('<html><head><meta charset="iso-8859-15"></head><body><p>Price: '), 0xa4, ...utf8(' 5</p></body></html>')]);
    const result = await extractInline({ bytes });
    expect(result.content).toBe('Price: € 5');
    expect(result.metadata.encoding).toBe('iso-8859-15');
  });
});
