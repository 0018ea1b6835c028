import { describe, expect, it } from 'vitest';
import { findDates, findUrls, withoutUrls } from '../../src/enhance/text-facts.js';

describe('findDates', () => {
  it('reads ISO and English dates as YYYY-MM-DD, distinct, in order of appearance', () => {
    const text = 'Shipped 2024-03-05T10:00:00Z, announced on March 5, 2024, reviewed 7th of June 2023, due Dec. 1st 2025 and 2024/3/5 again; 1 January 2020.';
    expect(findDates(text, 10)).toEqual(['2024-03-05', '2023-06-07', '2025-12-01', '2020-01-01']);
  });

  it('skips impossible dates and numeric day/month orders, and keeps at most `max`', () => {
    expect(findDates('2023-02-29 2024-02-29 2024-13-01 2024-04-31 03/04/2024 Feb 30, 2024', 10)).toEqual(['2024-02-29']);
    expect(findDates('2020-01-01 2020-01-02 2020-01-03', 2)).toEqual(['2020-01-01', '2020-01-02']);
    expect(findDates('version 1.2024-01-01 and 12024-01-01', 10)).toEqual([]);
  });
});

describe('findUrls', () => {
  it('finds http(s) addresses without trailing punctuation or Markdown brackets, distinct, at most `max`', () => {
    const text = 'See https://example.com/a?b=1. Also [docs](http://docs.example.org/x), <https://example.com/a?b=1> and http://localhost:8080/health!';
    expect(findUrls(text, 10)).toEqual(['https://example.com/a?b=1', 'http://docs.example.org/x', 'http://localhost:8080/health']);
    expect(findUrls(text, 1)).toEqual(['https://example.com/a?b=1']);
    expect(findUrls('ftp://example.com and https://nodot', 10)).toEqual([]);
  });

  it('withoutUrls removes the addresses and keeps the words around them', () => {
    expect(withoutUrls('read https://example.com/guide now')).toBe('read   now');
  });
});
