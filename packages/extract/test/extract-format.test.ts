// The format names agents pass and receive.
import { describe, expect, it } from 'vitest';
import { EXTRACT_FORMATS, isExtractFormat } from '../src/index.js';

describe('isExtractFormat', () => {
  it('accepts exactly the listed lower-case names', () => {
    for (const format of EXTRACT_FORMATS) expect(isExtractFormat(format)).toBe(true);
    for (const other of ['PDF', 'doc', '', ' pdf', 'markdown ']) expect(isExtractFormat(other)).toBe(false);
  });

  it('refuses values that are not strings', () => {
    for (const other of [undefined, null, 3, ['pdf'], { format: 'pdf' }]) expect(isExtractFormat(other)).toBe(false);
    expect(Object.isFrozen(EXTRACT_FORMATS)).toBe(true);
  });
});
