import { describe, expect, it } from 'vitest';
import { fitLists, fitListTexts, fitNestedHits, fitPrefixes, jsonBytes } from '../../src/index.js';

describe('fitPrefixes', () => {
  it('takes items rank by rank so every list keeps its first items', () => {
    expect(fitPrefixes(0, [[10, 10, 10], [10, 10, 10]], 45)).toEqual([2, 2]);
    expect(fitPrefixes(0, [[10, 10, 10], [10]], 35)).toEqual([2, 1]);
  });

  it('stops a list at the first item that does not fit, keeping it a prefix', () => {
    expect(fitPrefixes(0, [[10, 100, 1]], 50)).toEqual([1]);
  });

  it('keeps nothing when the base alone fills the budget', () => {
    expect(fitPrefixes(100, [[1, 1]], 50)).toEqual([0]);
  });
});

describe('fitLists', () => {
  it('leaves a result that fits untouched', () => {
    const result = { ids: ['a', 'b'], total: 2 };
    expect(fitLists(result, ['ids'], 1_000)).toBe(result);
  });

  it('cuts the lists to the budget and says so, with counts of what was left out', () => {
    const result = { success: true, document_ids: Array.from({ length: 5_000 }, (_, i) => `id-${String(i).padStart(30, '0')}`), errors: [] as unknown[] };
    const fitted = fitLists(result, ['document_ids', 'errors'], 16_384);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(16_384);
    expect(fitted.truncated).toBe(true);
    expect(fitted.document_ids.length).toBeGreaterThan(300);
    expect(fitted.document_ids).toEqual(result.document_ids.slice(0, fitted.document_ids.length));
    expect(fitted.omitted).toEqual({ document_ids: 5_000 - fitted.document_ids.length });
    expect(fitted.success).toBe(true);
  });
});

describe('fitNestedHits', () => {
  const hit = (query: number, rank: number) => ({ uuid: `${query}-${rank}`, content: 'x'.repeat(200), score: 1 / (rank + 1) });
  const queries = [0, 1, 2].map((q) => ({ query: `q${q}`, count: 20, results: Array.from({ length: 20 }, (_, rank) => hit(q, rank)) }));

  it('keeps every query\'s best hits and marks the queries that lost some', () => {
    const { queries: fitted, truncated } = fitNestedHits(queries, 100, 4_000);
    expect(truncated).toBe(true);
    expect(jsonBytes({ wrapper: true, results: fitted })).toBeLessThanOrEqual(4_000);
    for (const [i, query] of fitted.entries()) {
      expect(query.results.length).toBeGreaterThan(0);
      expect(query.results).toEqual(queries[i]!.results.slice(0, query.results.length));
      expect(query.count).toBe(query.results.length);
      expect(query.truncated).toBe(true);
      expect(query.omitted).toBe(20 - query.results.length);
    }
    expect(Math.max(...fitted.map((q) => q.results.length)) - Math.min(...fitted.map((q) => q.results.length))).toBeLessThanOrEqual(1);
  });

  it('changes nothing when the hits fit', () => {
    const { queries: fitted, truncated } = fitNestedHits(queries, 100, 1_000_000);
    expect(truncated).toBe(false);
    expect(fitted).toEqual(queries);
  });
});

describe('fitListTexts', () => {
  const result = {
    success: true,
    results: [
      { source: 'a', content: 'a'.repeat(5000), content_length: 5000 },
      { source: 'b', error: 'failed' },
      { source: 'c', content: 'c "quoted"\n'.repeat(500), content_length: 5500 },
    ],
  };

  it('cuts every text to a fair share, marks each cut entry and the result, and keeps every entry', () => {
    const fitted = fitListTexts(result, 'results', 'content', 4000);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(4000);
    expect(fitted.truncated).toBe(true);
    expect(fitted.results.map((entry) => entry.source)).toEqual(['a', 'b', 'c']);
    const [a, b, c] = fitted.results as { content?: string; content_truncated?: boolean }[];
    expect(a!.content_truncated).toBe(true);
    expect(c!.content_truncated).toBe(true);
    expect(b).toEqual({ source: 'b', error: 'failed' });
    expect(a!.content!.length).toBeGreaterThan(1000);
    expect(result.results[0]!.content).toHaveLength(5000);
  });

  it('drops entries from the tail when even empty texts do not fit, and leaves a fitting result alone', () => {
    const fitted = fitListTexts(result, 'results', 'content', 150);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(150);
    expect(fitted.truncated).toBe(true);
    expect(fitted.omitted?.results).toBeGreaterThan(0);
    expect(fitListTexts(result, 'results', 'content', 1_000_000)).toBe(result);
  });

  it('falls back to cutting the list when no entry has the text field', () => {
    const plain = { results: Array.from({ length: 50 }, (_, i) => ({ source: `s${i}`, error: 'x'.repeat(50) })) };
    const fitted = fitListTexts(plain, 'results', 'content', 1000);
    expect(jsonBytes(fitted)).toBeLessThanOrEqual(1000);
    expect(fitted.omitted?.results).toBeGreaterThan(0);
  });
});
