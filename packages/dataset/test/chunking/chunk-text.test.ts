import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/index.js';
import type { ChunkOptions, TextChunk } from '../../src/index.js';

const characters = (text: string): number => [...text].length;
const isBlank = (text: string): boolean => text.trim() === '';
const splitsPair = (text: string, offset: number): boolean =>
  /[\uD800-\uDBFF]/.test(text[offset - 1] ?? '') && /[\uDC00-\uDFFF]/.test(text[offset] ?? '');

/**
 * The exact guarantees of chunkText. Each chunk is the original's [start, end), trimmed, non-empty, at most
 * chunkSize characters and never cut inside a surrogate pair; chunks advance; two chunks either overlap by at
 * most chunkOverlap characters or are separated by whitespace only. So rebuilding the text from the chunks'
 * own `text` (dropping each overlap, putting back the whitespace between) gives back the original exactly.
 */
function expectValidChunks(text: string, chunks: readonly TextChunk[], options: ChunkOptions): void {
  const overlap = options.chunkOverlap ?? 0;
  let rebuilt = '';
  let previous: TextChunk | undefined;
  for (const chunk of chunks) {
    expect(chunk.text).toBe(text.slice(chunk.start, chunk.end));
    expect(chunk.text.length).toBeGreaterThan(0);
    expect(characters(chunk.text)).toBeLessThanOrEqual(options.chunkSize);
    expect(chunk.text).toBe(chunk.text.trim());
    expect(splitsPair(text, chunk.start) || splitsPair(text, chunk.end)).toBe(false);
    if (previous === undefined) {
      expect(isBlank(text.slice(0, chunk.start))).toBe(true);
      rebuilt = text.slice(0, chunk.start) + chunk.text;
    } else {
      expect(chunk.start).toBeGreaterThan(previous.start);
      expect(chunk.end).toBeGreaterThan(previous.end);
      if (chunk.start < previous.end) {
        expect(characters(text.slice(chunk.start, previous.end))).toBeLessThanOrEqual(overlap);
        rebuilt += chunk.text.slice(previous.end - chunk.start);
      } else {
        const gap = text.slice(previous.end, chunk.start);
        expect(isBlank(gap)).toBe(true);
        rebuilt += gap + chunk.text;
      }
    }
    previous = chunk;
  }
  const tail = text.slice(previous?.end ?? 0);
  expect(isBlank(tail)).toBe(true);
  expect(previous === undefined ? tail : rebuilt + tail).toBe(text);
}

function chunkAndCheck(text: string, options: ChunkOptions): TextChunk[] {
  const chunks = chunkText(text, options);
  expectValidChunks(text, chunks, options);
  return chunks;
}

const texts = (chunks: readonly TextChunk[]): string[] => chunks.map((chunk) => chunk.text);

describe('chunkText', () => {
  it('returns a text that fits as one chunk, trimmed, with its offsets', () => {
    expect(chunkText('  Hello world.\n', { chunkSize: 100 })).toEqual([{ text: 'Hello world.', start: 2, end: 14 }]);
    expect(chunkText('exactly10!', { chunkSize: 10 })).toEqual([{ text: 'exactly10!', start: 0, end: 10 }]);
  });

  it('returns no chunks for empty or whitespace-only text', () => {
    expect(chunkText('', { chunkSize: 10 })).toEqual([]);
    expect(chunkText(' \n\t\n ', { chunkSize: 10, chunkOverlap: 3 })).toEqual([]);
  });

  it('cuts at a paragraph break in preference to a later sentence end', () => {
    const text = 'First paragraph, first sentence. Then more.\n\nSecond paragraph starts. And it goes on.';
    expect(texts(chunkAndCheck(text, { chunkSize: 60 }))).toEqual([
      'First paragraph, first sentence. Then more.',
      'Second paragraph starts. And it goes on.',
    ]);
  });

  it('treats a line of only spaces between paragraphs, and CRLF line ends, as a paragraph break', () => {
    const text = 'Alpha beta gamma.\r\n \t\r\nDelta epsilon zeta eta.';
    expect(texts(chunkAndCheck(text, { chunkSize: 30 }))).toEqual(['Alpha beta gamma.', 'Delta epsilon zeta eta.']);
  });

  it('cuts a paragraph that is too long at sentence ends, not between words', () => {
    const text = 'One short sentence. Two short sentences? Three short sentences! Four.';
    const chunks = chunkAndCheck(text, { chunkSize: 45 });
    expect(texts(chunks)).toEqual(['One short sentence. Two short sentences?', 'Three short sentences! Four.']);
  });

  it('ends sentences at CJK full stops and at line ends', () => {
    expect(texts(chunkAndCheck('第一句话。第二句话。第三句话。', { chunkSize: 11 }))).toEqual(['第一句话。第二句话。', '第三句话。']);
    expect(texts(chunkAndCheck('line one\nline two\nline three', { chunkSize: 18 }))).toEqual([
      'line one\nline two',
      'line three',
    ]);
  });

  it('cuts a sentence that is too long between words, never inside one', () => {
    const text = 'the quick brown fox jumps over the lazy dog and keeps on running far away';
    const chunks = chunkAndCheck(text, { chunkSize: 20 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(/\S/.test(text[chunk.start - 1] ?? ' ')).toBe(false);
      expect(/\S/.test(text[chunk.end] ?? ' ')).toBe(false);
    }
  });

  it('cuts inside a word only when that word alone is longer than chunkSize', () => {
    const text = `short ${'x'.repeat(25)} words`;
    expect(texts(chunkAndCheck(text, { chunkSize: 10 }))).toEqual(['short', 'xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx', 'words']);
  });

  it('counts characters as code points and never splits a surrogate pair', () => {
    const text = '😀'.repeat(10);
    const chunks = chunkAndCheck(text, { chunkSize: 4 });
    expect(texts(chunks)).toEqual(['😀😀😀😀', '😀😀😀😀', '😀😀']);
    expect(chunks.map((c) => [c.start, c.end])).toEqual([
      [0, 8],
      [8, 16],
      [16, 20],
    ]);
    expect(texts(chunkAndCheck('a😀b', { chunkSize: 1 }))).toEqual(['a', '😀', 'b']);
  });

  it('starts each chunk after the first with the end of the previous one, from a word start', () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu';
    const chunks = chunkAndCheck(text, { chunkSize: 24, chunkOverlap: 11 });
    expect(texts(chunks)).toEqual([
      'alpha beta gamma delta',
      'gamma delta epsilon zeta',
      'zeta eta theta iota',
      'theta iota kappa lambda',
      'lambda mu',
    ]);
  });

  it('overlaps at any character when no word start is close enough, e.g. in text without spaces', () => {
    const chunks = chunkAndCheck('abcdefghijklmnopqrstuvwxyz', { chunkSize: 10, chunkOverlap: 3 });
    expect(texts(chunks)).toEqual(['abcdefg', 'efghijklmn', 'lmnopqrstu', 'stuvwxyz']);
  });

  it('shortens the overlap to the words that still fit with the next piece, or leaves it out', () => {
    const text = 'tiny words here\n\nAnd then one long sentence of size.';
    expect(texts(chunkAndCheck(text, { chunkSize: 41, chunkOverlap: 10 }))).toEqual([
      'tiny words here',
      'here\n\nAnd then one long sentence of size.',
    ]);
    // Not even "here" fits with the 35-character sentence: no overlap, rather than a piece of a word.
    expect(texts(chunkAndCheck(text, { chunkSize: 40, chunkOverlap: 10 }))).toEqual([
      'tiny words here',
      'And then one long sentence of size.',
    ]);
  });

  it('is deterministic', () => {
    const text = `${'Some text. '.repeat(50)}\n\n${'More text here! '.repeat(40)}`;
    const options = { chunkSize: 64, chunkOverlap: 16 };
    expect(chunkText(text, options)).toEqual(chunkText(text, options));
  });

  it.each([
    [{ chunkSize: 0 }, 'chunkSize must be a positive integer; got 0.'],
    [{ chunkSize: -5 }, 'chunkSize must be a positive integer; got -5.'],
    [{ chunkSize: 1.5 }, 'chunkSize must be a positive integer; got 1.5.'],
    [{ chunkSize: Number.NaN }, 'chunkSize must be a positive integer; got NaN.'],
    [{ chunkSize: 10, chunkOverlap: 10 }, 'chunkOverlap must be an integer from 0 to chunkSize - 1 (9); got 10.'],
    [{ chunkSize: 10, chunkOverlap: -1 }, 'chunkOverlap must be an integer from 0 to chunkSize - 1 (9); got -1.'],
    [{ chunkSize: 10, chunkOverlap: 2.5 }, 'chunkOverlap must be an integer from 0 to chunkSize - 1 (9); got 2.5.'],
  ])('rejects %j with INVALID_ARGUMENT', (options, message) => {
    expect(() => chunkText('text', options)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message }));
  });

  it('rejects a text that is not a string with INVALID_ARGUMENT', () => {
    expect(() => chunkText(42 as unknown as string, { chunkSize: 10 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: 'chunkText needs a string; got number.' }),
    );
  });
});

describe('chunkText properties', () => {
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.stringMatching(/^[a-zA-Z]{1,12}$/) },
    { weight: 4, arbitrary: fc.constantFrom(' ', ' ', '  ', '\t') },
    { weight: 2, arbitrary: fc.constantFrom('. ', '! ', '? ', '." ', '…') },
    { weight: 2, arbitrary: fc.constantFrom('\n', '\n\n', '\r\n\r\n', '\n \n') },
    { weight: 1, arbitrary: fc.constantFrom('😀', '👩‍👩‍👧', '𝔘𝔫𝔦', '漢字。', 'é', 'e\u0301') },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{15,60}$/) },
  );
  const prose = fc.array(piece, { maxLength: 120 }).map((pieces) => pieces.join(''));
  const anyText = fc.oneof(prose, fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 200 }));
  const options = fc
    .integer({ min: 1, max: 80 })
    .chain((chunkSize) => fc.record({ chunkSize: fc.constant(chunkSize), chunkOverlap: fc.integer({ min: 0, max: chunkSize - 1 }) }));

  it('covers the text exactly, within bounds, on any input', () => {
    fc.assert(
      fc.property(anyText, options, (text, opts) => {
        expectValidChunks(text, chunkText(text, opts), opts);
      }),
      { numRuns: 500 },
    );
  });

  it('gives one chunk for any non-blank text that fits', () => {
    fc.assert(
      fc.property(anyText.filter((text) => !isBlank(text)), (text) => {
        const trimmed = text.trim();
        expect(chunkText(text, { chunkSize: Math.max(1, characters(trimmed)) })).toEqual([
          { text: trimmed, start: text.indexOf(trimmed), end: text.indexOf(trimmed) + trimmed.length },
        ]);
      }),
    );
  });

  it('never cuts inside a word that fits in a chunk', () => {
    fc.assert(
      fc.property(prose, options, (text, opts) => {
        for (const chunk of chunkText(text, opts)) {
          for (const offset of [chunk.start, chunk.end]) {
            const before = text.slice(0, offset).match(/\S+$/)?.[0] ?? '';
            const after = text.slice(offset).match(/^\S+/)?.[0] ?? '';
            // CJK full stops end a sentence without a following space, so a cut after one is not inside a word.
            if (before !== '' && after !== '' && !/[。！？]$/.test(before)) {
              // A cut inside a word is allowed only in a word too long for any chunk, or where an overlap
              // begins inside a word longer than the overlap itself.
              const word = characters(before + after);
              expect(word > opts.chunkSize - opts.chunkOverlap || (offset === chunk.start && word > opts.chunkOverlap)).toBe(true);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(anyText, options, (text, opts) => {
        expect(chunkText(text, opts)).toEqual(chunkText(text, opts));
      }),
    );
  });
});
