// One contract for every Extractor: extractInline on this thread and WorkerPoolExtractor in worker threads must
// give the same results and the same coded errors for the same inputs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_FORMATS, type ExtractFormat, type Extractor, WorkerPoolExtractor, extractInline } from '../src/index.js';
import { sampleDocuments } from './fixtures.js';
import { expectExtractError, requireBuiltWorker, tempDir, utf8 } from './helpers.js';

const EXPECTED: Readonly<Record<ExtractFormat, { title: string | null; contains: readonly string[]; metadata: Record<string, unknown> }>> = {
  text: { title: null, contains: ['Plain notes\nline two with a NUL'], metadata: { encoding: 'utf-8' } },
  markdown: { title: 'Field Notes', contains: ['# Heading In Body', 'herons'], metadata: { author: 'Ada', tags: ['birds', 'marsh'] } },
  html: { title: 'Tide Tables & Moon Phases', contains: ['Spring tides', 'Neap tides'], metadata: { lang: 'en' } },
  json: { title: 'Quarterly report', contains: ['summary: Revenue grew.'], metadata: { text_fields: 6 } },
  jsonl: { title: null, contains: ['nested.deep.text: gamma'], metadata: { records: 3 } },
  csv: { title: null, contains: ['Grace\tArlington\ttwo lines'], metadata: { rows: 4 } },
  pdf: { title: 'Moon Almanac', contains: ['Page one text\nsecond line\n\nPage two text'], metadata: { page_count: 2, author: 'Ada' } },
  docx: { title: 'Memo Title', contains: ['First paragraph of the memo.'], metadata: { author: 'Grace', created: '2024-05-01T10:00:00Z' } },
};

const inline: Extractor = { extract: (input, options) => extractInline(input, options) };
let pool: WorkerPoolExtractor;
let seeds: Awaited<ReturnType<typeof sampleDocuments>>;
const dir = tempDir();

beforeAll(async () => {
  requireBuiltWorker();
  pool = new WorkerPoolExtractor({ workers: 2 });
  seeds = await sampleDocuments();
});
afterAll(async () => {
  await pool.close();
  dir.remove();
});

const implementations: ReadonlyArray<readonly [string, () => Extractor]> = [
  ['extractInline', () => inline],
  ['WorkerPoolExtractor', () => pool],
];

describe.each(implementations)('Extractor contract: %s', (_label, extractor) => {
  it.each(EXTRACT_FORMATS)('extracts the sample %s file from disk with its title, text and metadata', async (format) => {
    const seed = seeds[format][0]!;
    const bytes = dir.file(`${_label}-${seed.name}`, seed.bytes);
    const result = await extractor().extract({ bytes, name: seed.name });
    const expected = EXPECTED[format];
    expect(result.format).toBe(format);
    expect(result.title).toBe(expected.title);
    for (const text of expected.contains) expect(result.content).toContain(text);
    expect(result.metadata).toMatchObject(expected.metadata);
    expect(result.metadata.truncated).toBeUndefined();
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('gives the same coded errors: UNSUPPORTED_FORMAT, EMPTY_CONTENT, EXTRACT_FAILED, ABORTED, INVALID_INPUT', async () => {
    await expectExtractError(extractor().extract({ bytes: new Uint8Array(512).map((_, i) => (i * 37) % 256), name: 'blob' }), 'UNSUPPORTED_FORMAT');
    await expectExtractError(extractor().extract({ bytes: utf8('\n\n  \n'), name: 'empty.md' }), 'EMPTY_CONTENT');
    const failed = await expectExtractError(extractor().extract({ bytes: utf8('{"ok":"1"}\n[oops'), name: 'r.jsonl' }), 'EXTRACT_FAILED');
    expect(failed.data).toEqual({ name: 'r.jsonl', line: 2 });
    const controller = new AbortController();
    controller.abort();
    await expectExtractError(extractor().extract({ bytes: utf8('x') }, { signal: controller.signal }), 'ABORTED');
    await expectExtractError(extractor().extract({ bytes: utf8('x'), format: 'doc' as never }), 'INVALID_INPUT');
  });
});

describe('Extractor contract: both implementations agree', () => {
  it.each(EXTRACT_FORMATS)('returns identical %s extractions inline and in the pool', async (format) => {
    for (const seed of seeds[format]) {
      expect(await pool.extract({ bytes: seed.bytes, name: seed.name })).toEqual(await extractInline({ bytes: seed.bytes, name: seed.name }));
    }
  });
});
