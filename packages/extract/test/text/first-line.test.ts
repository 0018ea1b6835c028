// The fallback title: the first line with text on it.
import { describe, expect, it } from 'vitest';
import { firstLine } from '../../src/text/first-line.js';

describe('firstLine', () => {
  it('skips blank lines and trims the first line with text', () => {
    expect(firstLine('\n   \n\t Title here  \nbody')).toBe('Title here');
    expect(firstLine('only line')).toBe('only line');
  });

  it('is null when no line has text', () => {
    expect(firstLine('')).toBeNull();
    expect(firstLine('\n \n\t\n')).toBeNull();
  });

  it('cuts a first line over 200 characters to 200', () => {
    const long = `${'word '.repeat(60)}end`;
    expect(firstLine(`${long}\nsecond`)).toBe(long.slice(0, 200));
  });
});
