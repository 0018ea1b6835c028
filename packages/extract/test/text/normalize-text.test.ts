import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText } from '../../src/index.js';

describe('normalizeText', () => {
  it('unifies newlines, drops control characters but \\n and \\t, trims line ends and collapses blank lines', () => {
    expect(normalizeText('\r\n  a\r\nb\rc\u2028d\u0000e\u0007\u007f\u0085f\t \n\n\n\n\ng\u00a0 \n\n')).toBe('a\nb\nc\nde\nf\n\ng');
    expect(normalizeText('keep\ttabs\tinside')).toBe('keep\ttabs\tinside');
  });

  it('replaces lone surrogates and keeps valid pairs', () => {
    expect(normalizeText('a\ud800b\udc00c😀')).toBe('a\ufffdb\ufffdc😀');
  });

  it('is linear on a long run of spaces inside a line (a trailing-space regex would be quadratic)', () => {
    const line = `x${' '.repeat(200_000)}y   `;
    expect(normalizeText(line)).toBe(`x${' '.repeat(200_000)}y`);
  });

  it('is idempotent and leaves no control characters, CRs, blank-line runs or edge whitespace (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (input) => {
        const once = normalizeText(input);
        expect(normalizeText(once)).toBe(once);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the check is that no control character is left.
        expect(once).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
        expect(once).not.toContain('\n\n\n');
        expect(once).toBe(once.trim() === '' ? '' : once);
        expect(once).not.toMatch(/[ \t]\n/);
        expect(once).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
      }),
      { seed: 20240501, numRuns: 300 },
    );
  });
});
