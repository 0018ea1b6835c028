import { describe, expect, it } from 'vitest';
import { fitLists, fitNestedHits, fitPrefixes, jsonBytes } from '../../src/index.js';

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
