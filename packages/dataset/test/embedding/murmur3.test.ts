import { describe, expect, it } from 'vitest';
import { murmur3 } from '../../src/embedding/murmur3.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('murmur3', () => {
  // Published MurmurHash3_x86_32 test vectors; together they cover tails of 0 to 3 bytes and multi-byte UTF-8.
  it.each([
    ['', 0, 0x00000000],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['a', 0, 0x3c2569b2],
    ['abc', 0, 0xb3dd93fa],
    ['hello', 0, 0x248bfa47],
    ['Hello, world!', 0, 0xc0363e43],
    ['The quick brown fox jumps over the lazy dog', 0, 0x2e4ff723],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['aa', 0x9747b28c, 0x5d211726],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
  ])('hashes %j with seed %i to the reference value', (text, seed, hash) => {
    expect(murmur3(utf8(text), undefined, seed)).toBe(hash);
  });

  it('hashes only the first `length` bytes', () => {
    expect(murmur3(utf8('hello, and more'), 5)).toBe(0x248bfa47);
  });
});
