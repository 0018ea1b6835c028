import { describe, expect, it } from 'vitest';
import { tokenize } from '../src/index.js';

describe('tokenize', () => {
  it('applies NFKC, lower-cases and splits on anything that is not a letter or digit', () => {
    expect(tokenize('Ｈｅｌｌｏ, World! café-au-lait 42x')).toEqual(['hello', 'world', 'café', 'au', 'lait', '42x']);
  });

  it('returns no terms for text without letters or digits', () => {
    expect(tokenize(' -- !! ')).toEqual([]);
  });
});
