// Facts a plain scan of the text can find: dates (normalised to ISO 8601) and web addresses.

const MONTHS: { readonly [name: string]: number } = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};
const MONTH = Object.keys(MONTHS).sort((a, b) => b.length - a.length).join('|');

// Numeric day-month orders (03/04/2024) are left out: they are ambiguous between regions.
const DATE_PATTERNS: readonly { readonly pattern: RegExp; readonly parts: (m: RegExpExecArray) => [string, string, string] }[] = [
  { pattern: /(?<![\d.])(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?![\d/])/g, parts: (m) => [m[1]!, m[2]!, m[3]!] },
  {
    pattern: new RegExp(`\\b(${MONTH})\\.? (\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})\\b`, 'gi'),
    parts: (m) => [m[3]!, String(MONTHS[m[1]!.toLowerCase()]), m[2]!],
  },
  {
    pattern: new RegExp(`\\b(\\d{1,2})(?:st|nd|rd|th)?(?: of)? (${MONTH})\\.?,? (\\d{4})\\b`, 'gi'),
    parts: (m) => [m[3]!, String(MONTHS[m[2]!.toLowerCase()]), m[1]!],
  },
];

function isoDate(year: string, month: string, day: string): string | undefined {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1) return undefined;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return undefined;
  return `${year.padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * Calendar dates in `text` as `YYYY-MM-DD`, distinct, in order of appearance, at most `max`: ISO dates
 * (`2024-03-05`, also with a time after them, or with `/`), and English dates such as `March 5, 2024`,
 * `Mar. 5th 2024` or `5 March 2024`. Impossible dates (2023-02-29) are skipped.
 */
export function findDates(text: string, max: number): string[] {
  const found: { index: number; date: string }[] = [];
  for (const { pattern, parts } of DATE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const date = isoDate(...parts(match as RegExpExecArray));
      if (date !== undefined) found.push({ index: match.index, date });
    }
  }
  found.sort((a, b) => a.index - b.index);
  return [...new Set(found.map((entry) => entry.date))].slice(0, max);
}

const URL = /\bhttps?:\/\/[^\s<>"'`()[\]{}]+/gi;

/** http(s) addresses in `text`, distinct, in order of appearance, at most `max`; trailing punctuation is not part of them. */
export function findUrls(text: string, max: number): string[] {
  const urls = [...text.matchAll(URL)].map((match) => match[0].replace(/[.,;:!?*_~]+$/, ''));
  return [...new Set(urls.filter((url) => /^https?:\/\/[^/]+\.[^/]|^https?:\/\/localhost/i.test(url)))].slice(0, max);
}

/** `text` without its http(s) addresses, so their parts (`https`, `www`, `com`) don't pass for words. */
export function withoutUrls(text: string): string {
  return text.replace(URL, ' ');
}
