import type { TermStatistics } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CoreError, type EnhanceRequest, ExtractiveEnhancer, type TermStatisticsSource } from '../../src/index.js';
import { openTestDataset, type TestDataset } from '../fixtures.js';

// Hand-written documents; the expected outputs below were worked out by hand from the rules in the class comment.
const VECTOR_SEARCH = `# Vector Search in DuckDB

DuckDB can store embeddings in FLOAT arrays. Vector search compares a query embedding with every stored embedding. The cosine distance ranks the closest embeddings first.

Indexes are optional for small datasets. A full scan over 100,000 embeddings takes milliseconds.

See https://duckdb.org/docs for details. Released on 2024-03-05.`;

const RELEASE_NOTES = `Release notes

Version 2.1 adds streaming exports. Streaming exports write Parquet files in chunks, so memory stays flat. Imports now validate every row before writing.
Published March 5, 2024.`;

const GERMAN = 'Die Datenbank speichert alle Dokumente lokal. Sie ist schnell und braucht keinen Server. Die Suche nach Dokumenten nutzt einen Index.';

const NUMBERS = '12 34 56';

// The rest of the corpus: "duckdb" is common in it (3 of 7 records), "streaming", "parquet", "files", "memory" and "flat" appear twice.
const CORPUS = [VECTOR_SEARCH, RELEASE_NOTES, GERMAN, NUMBERS, 'DuckDB is an in-process database.', 'DuckDB runs SQL queries on Parquet files.', 'Streaming keeps memory flat.'];

const ALL = ['title', 'tags', 'context', 'metadata'] as const;

function request(content: string, enhancements: EnhanceRequest['enhancements'] = ALL): EnhanceRequest {
  return { document: { uuid: 'x', title: null, content, tags: [], metadata: {}, collection: null }, enhancements };
}

/** A statistics source that counts its calls (the dataset answers them). */
class CountingStatistics implements TermStatisticsSource {
  calls = 0;
  asked: string[][] = [];
  constructor(readonly inner: TermStatisticsSource) {}
  termStatistics(terms: readonly string[]): Promise<TermStatistics> {
    this.calls++;
    this.asked.push([...terms]);
    return this.inner.termStatistics(terms);
  }
}

let t: TestDataset;

beforeEach(async () => {
  t = await openTestDataset();
  await t.dataset.add(CORPUS.map((content) => ({ content })));
});

afterEach(async () => {
  await t.close();
});

describe('ExtractiveEnhancer on hand-written documents', () => {
  it('takes the heading as title, TF-IDF tags against the dataset, and the lead sentences covering them as context', async () => {
    const [outcome] = await new ExtractiveEnhancer({ statistics: t.dataset }).enhance([request(VECTOR_SEARCH)]);
    expect(outcome).toEqual({
      values: {
        title: 'Vector Search in DuckDB',
        // "duckdb" occurs twice but is in 3 of 7 records, so it ranks below the rarer words.
        tags: ['embeddings', 'vector', 'search', 'embedding', 'store'],
        context: 'DuckDB can store embeddings in FLOAT arrays. Vector search compares a query embedding with every stored embedding.',
        metadata: { language: 'en', word_count: 56, dates: ['2024-03-05'], urls: ['https://duckdb.org/docs'] },
      },
      errors: [],
    });
  });

  it('takes a short first line as title, and keeps it out of the context', async () => {
    const [outcome] = await new ExtractiveEnhancer({ statistics: t.dataset }).enhance([request(RELEASE_NOTES)]);
    expect(outcome).toEqual({
      values: {
        title: 'Release notes',
        tags: ['exports', 'streaming', 'release', 'notes', 'version'],
        context: 'Version 2.1 adds streaming exports. Streaming exports write Parquet files in chunks, so memory stays flat.',
        metadata: { language: 'en', word_count: 30, dates: ['2024-03-05'] },
      },
      errors: [],
    });
  });

  it('guesses German, skips German stopwords for tags, and takes the first sentence as title', async () => {
    const [outcome] = await new ExtractiveEnhancer({ statistics: t.dataset }).enhance([request(GERMAN)]);
    expect(outcome).toEqual({
      values: {
        title: 'Die Datenbank speichert alle Dokumente lokal',
        tags: ['datenbank', 'speichert', 'dokumente', 'lokal', 'schnell'],
        context: 'Die Datenbank speichert alle Dokumente lokal. Sie ist schnell und braucht keinen Server.',
        metadata: { language: 'de', word_count: 20 },
      },
      errors: [],
    });
  });

  it('fails tags and context of a text with no words, and still gives its title and facts', async () => {
    const [outcome] = await new ExtractiveEnhancer({ statistics: t.dataset }).enhance([request(NUMBERS)]);
    expect(outcome!.values).toEqual({ title: '12 34 56', metadata: { language: 'und', word_count: 3 } });
    expect(outcome!.errors.map((e) => e.enhancement)).toEqual(['tags', 'context']);
    expect(outcome!.errors[0]!.error).toContain('no words to take tags from');
    expect(outcome!.errors[1]!.error).toContain('no prose sentences');
  });

  it('fails everything but the facts of empty content', async () => {
    const [outcome] = await new ExtractiveEnhancer({ statistics: t.dataset }).enhance([request('   \n ')]);
    expect(outcome!.values).toEqual({ metadata: { language: 'und', word_count: 0 } });
    expect(outcome!.errors.map((e) => e.enhancement)).toEqual(['title', 'tags', 'context']);
  });

  it('lets a purpose pull its terms into the tags and the context', async () => {
    const [outcome] = await new ExtractiveEnhancer({ statistics: t.dataset }).enhance([request(VECTOR_SEARCH, ['tags', 'context'])], {
      purpose: 'indexes for datasets',
    });
    expect(outcome!.values).toEqual({
      tags: ['embeddings', 'vector', 'search', 'embedding', 'indexes'],
      context:
        'DuckDB can store embeddings in FLOAT arrays. Vector search compares a query embedding with every stored embedding. Indexes are optional for small datasets.',
    });
  });

  it('ranks tags by frequency alone without statistics, so a common word like "duckdb" becomes a tag', async () => {
    const [outcome] = await new ExtractiveEnhancer().enhance([request(VECTOR_SEARCH, ['tags'])]);
    expect(outcome!.values.tags).toEqual(['embeddings', 'vector', 'search', 'duckdb', 'embedding']);
  });
});

describe('ExtractiveEnhancer rules', () => {
  const enhancer = () => new ExtractiveEnhancer();

  it('titles: an underlined heading, the first sentence when the first line is a sentence, and front matter skipped', async () => {
    const outcomes = await enhancer().enhance([
      request('Storage Engine\n==============\n\nThe engine writes pages.', ['title']),
      request('The engine writes pages to disk. It flushes them on commit.\n\n# Later heading', ['title']),
      request('---\ntitle: ignored\nauthor: x\n---\n# Real Title\n\nBody text here.', ['title']),
      request('- first item of a list\n- second item', ['title']),
    ]);
    expect(outcomes.map((o) => o.values.title)).toEqual(['Storage Engine', 'The engine writes pages to disk', 'Real Title', 'first item of a list']);
  });

  it('cuts a long title at a word boundary within maxTitleChars and marks the cut', async () => {
    const sentence = `${'word '.repeat(30).trim()}.`;
    const [outcome] = await new ExtractiveEnhancer({ maxTitleChars: 40 }).enhance([request(sentence, ['title'])]);
    expect(outcome!.values.title).toBe(`${'word '.repeat(7).trim()}…`);
    expect(outcome!.values.title!.length).toBeLessThanOrEqual(40);
  });

  it('leaves fenced code, tables and URLs out of tags and context', async () => {
    const content = [
      'Deployment uses containers. Containers restart on failure.',
      '```js\nconst containersConst = require("x"); function zzzfunction() {}\n```',
      '| column | tablecell |\n|---|---|\n| tablecell | tablecell |',
      'Read https://example.com/containers/guide now.',
    ].join('\n\n');
    const [outcome] = await new ExtractiveEnhancer({ maxTags: 10 }).enhance([request(content, ['tags', 'context'])]);
    // Every remaining candidate ("uses" and "now" are stopwords); none from the code, the table or the URL.
    expect(outcome!.values.tags).toEqual(['containers', 'deployment', 'restart', 'failure', 'read']);
    // "read" is a tag here, so the third sentence adds to the coverage; the code and the table are never sentences.
    expect(outcome!.values.context).toBe('Deployment uses containers. Containers restart on failure. Read https://example.com/containers/guide now.');
  });

  it('keeps the context within maxContextChars, cutting a single long sentence at a word', async () => {
    const long = `Alpha ${'beta '.repeat(60).trim()} gamma.`;
    const [outcome] = await new ExtractiveEnhancer({ maxContextChars: 100 }).enhance([request(`${long} Second sentence here.`, ['context'])]);
    expect(outcome!.values.context!.length).toBeLessThanOrEqual(100);
    expect(outcome!.values.context).toMatch(/^Alpha beta beta .*beta…$/);
  });

  it('returns only the requested enhancements, one outcome per request, in order', async () => {
    const outcomes = await enhancer().enhance([request(RELEASE_NOTES, ['title']), request(GERMAN, ['metadata']), request(VECTOR_SEARCH, [])]);
    expect(outcomes.map((o) => Object.keys(o.values))).toEqual([['title'], ['metadata'], []]);
    expect(outcomes.every((o) => o.errors.length === 0)).toBe(true);
  });

  it('reads term statistics once per call, for the candidate terms of the documents that need them', async () => {
    const statistics = new CountingStatistics(t.dataset);
    const enhancerWithStats = new ExtractiveEnhancer({ statistics });
    await enhancerWithStats.enhance([request(RELEASE_NOTES, ['tags']), request(GERMAN, ['context']), request(VECTOR_SEARCH, ['title'])]);
    expect(statistics.calls).toBe(1);
    expect(statistics.asked[0]).toContain('streaming');
    expect(statistics.asked[0]).toContain('datenbank');
    // The title-only document needs no statistics.
    expect(statistics.asked[0]).not.toContain('embeddings');
    await enhancerWithStats.enhance([request(VECTOR_SEARCH, ['title', 'metadata'])]);
    expect(statistics.calls).toBe(1);
  });

  it('gives the same output for the same input and statistics', async () => {
    const e = new ExtractiveEnhancer({ statistics: t.dataset });
    const requests = CORPUS.map((content) => request(content));
    expect(await e.enhance(requests, { purpose: 'storage' })).toEqual(await e.enhance(requests, { purpose: 'storage' }));
  });

  it('rejects with CANCELLED when the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await enhancer()
      .enhance([request(GERMAN)], { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).code).toBe('CANCELLED');
  });

  it('rejects invalid options with INVALID_INPUT', () => {
    expect(() => new ExtractiveEnhancer({ maxTags: 0 })).toThrow(/maxTags/);
    expect(() => new ExtractiveEnhancer({ statistics: {} as TermStatisticsSource })).toThrow(/termStatistics/);
  });
});
