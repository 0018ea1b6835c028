import { describe, expect, it } from 'vitest';
import { LruEmbeddingCache } from '../../src/index.js';

const v = (...values: number[]): Float32Array => Float32Array.from(values);

describe('LruEmbeddingCache', () => {
  it('returns stored vectors by embedder id and hash, undefined for the rest', () => {
    const cache = new LruEmbeddingCache();
    cache.set('e1', [{ hash: 'h1', vector: v(1) }]);
    expect(cache.get('e1', ['h1', 'h2'])).toEqual([v(1), undefined]);
    expect(cache.get('e2', ['h1'])).toEqual([undefined]);
  });

  it('drops the least recently used entry beyond maxEntries, counting reads as use', () => {
    const cache = new LruEmbeddingCache({ maxEntries: 2 });
    cache.set('e', [
      { hash: 'a', vector: v(1) },
      { hash: 'b', vector: v(2) },
    ]);
    cache.get('e', ['a']);
    cache.set('e', [{ hash: 'c', vector: v(3) }]);
    expect(cache.size).toBe(2);
    expect(cache.get('e', ['a', 'b', 'c'])).toEqual([v(1), undefined, v(3)]);
  });

  it('replaces an entry set twice without growing', () => {
    const cache = new LruEmbeddingCache({ maxEntries: 2 });
    cache.set('e', [{ hash: 'a', vector: v(1) }]);
    cache.set('e', [{ hash: 'a', vector: v(2) }]);
    expect(cache.size).toBe(1);
    expect(cache.get('e', ['a'])).toEqual([v(2)]);
  });

  it('stores and returns copies', () => {
    const cache = new LruEmbeddingCache();
    const original = v(1, 2);
    cache.set('e', [{ hash: 'a', vector: original }]);
    original[0] = 9;
    cache.get('e', ['a'])[0]![1] = 9;
    expect(cache.get('e', ['a'])).toEqual([v(1, 2)]);
  });

  it('forgets everything on clear', () => {
    const cache = new LruEmbeddingCache();
    cache.set('e', [{ hash: 'a', vector: v(1) }]);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('e', ['a'])).toEqual([undefined]);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects maxEntries %s with INVALID_ARGUMENT', (maxEntries) => {
    expect(() => new LruEmbeddingCache({ maxEntries })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('holds 10000 entries by default', () => {
    expect(new LruEmbeddingCache().maxEntries).toBe(10_000);
  });
});
