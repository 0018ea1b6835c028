import { describe, expect, it } from 'vitest';
import { outlineText, plainText, sentencesOf } from '../../src/enhance/text-outline.js';

describe('outlineText', () => {
  it('finds the leading heading and the prose sentences, leaving out code, tables, rules and headings', () => {
    const outline = outlineText(
      [
        '# The **Title** `x`',
        'First sentence here. Second one follows!',
        '```\nCode. Not prose.\n```',
        '| a | b |\n|---|---|',
        '***',
        '## Section',
        '> Quoted line that wraps\n> onto two lines.',
        '- Item one. Item two',
        '1. Numbered item',
      ].join('\n\n'),
    );
    expect(outline.leadingHeading).toBe('The Title x');
    expect(outline.leadingLine).toBeNull();
    expect(outline.sentences).toEqual(['First sentence here.', 'Second one follows!', 'Quoted line that wraps onto two lines.', 'Item one.', 'Item two', 'Numbered item']);
    expect(outline.prose).not.toContain('Code');
    expect(outline.prose).toContain('Section');
  });

  it('takes a short, unpunctuated first line as the leading line, but not a sentence, a long line or a list item', () => {
    expect(outlineText('Quarterly report\n\nRevenue grew.').leadingLine).toBe('Quarterly report');
    expect(outlineText('Quarterly report\n\nRevenue grew.').sentences).toEqual(['Revenue grew.']);
    expect(outlineText('Revenue grew.\n\nMore text.').leadingLine).toBeNull();
    expect(outlineText(`${'word '.repeat(20)}\n\nMore.`).leadingLine).toBeNull();
    expect(outlineText('- item\n\nMore.').leadingLine).toBeNull();
    expect(outlineText('Two lines\nin one paragraph').leadingLine).toBeNull();
  });

  it('reads setext headings and skips YAML front matter', () => {
    expect(outlineText('Big Title\n=========\n\nBody.').leadingHeading).toBe('Big Title');
    expect(outlineText('---\ntitle: x\n---\nPlain first line\n\nBody.').leadingLine).toBe('Plain first line');
  });
});

describe('plainText and sentencesOf', () => {
  it('strips inline markup and keeps link and image text', () => {
    expect(plainText('See [the docs](http://x.y) and ![a chart](c.png), *emphasis*, __bold__, ~~gone~~ <b>html</b>')).toBe(
      'See the docs and a chart, emphasis, bold, gone html',
    );
  });

  it('splits at sentence ends before a capital or digit, not inside abbreviations or numbers', () => {
    expect(sentencesOf('It costs 2.50 dollars, e.g. for one. Then "More" follows? 3 items remain. ...')).toEqual([
      'It costs 2.50 dollars, e.g. for one.',
      'Then "More" follows?',
      '3 items remain. ...',
    ]);
  });
});
