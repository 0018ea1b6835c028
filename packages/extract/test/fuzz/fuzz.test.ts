// 1,000 seeded mutations of valid documents per format through the worker pool: every file must settle as an
// extraction or an ExtractError (never another error, an unhandled rejection or a hang), and the pool must still
// extract a valid file afterwards. Outcome counts and times are printed for the record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTRACT_FORMATS, type ExtractFormat, ExtractError, WorkerPoolExtractor, extractInline } from '../../src/index.js';
import { sampleDocuments } from '../fixtures.js';
import { requireBuiltWorker } from '../helpers.js';
import { mutate, random } from './mutate.js';

const FILES_PER_FORMAT = 1000;
// Modest: a valid seed extracts in milliseconds; only a pathological mutation gets near this.
const TIMEOUT_MS = 5000;
const EXTENSION: Readonly<Record<ExtractFormat, string>> = { text: 'txt', markdown: 'md', html: 'html', json: 'json', jsonl: 'jsonl', csv: 'csv', pdf: 'pdf', docx: 'docx' };

let seeds: Awaited<ReturnType<typeof sampleDocuments>>;
let pool: WorkerPoolExtractor;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
const report: string[] = [];

beforeAll(async () => {
  requireBuiltWorker();
  seeds = await sampleDocuments();
  pool = new WorkerPoolExtractor({ workers: 2, timeoutMs: TIMEOUT_MS });
  process.on('unhandledRejection', onUnhandled);
});

afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await pool.close();
  console.log(`fuzz: ${FILES_PER_FORMAT} mutated files per format, timeout ${TIMEOUT_MS} ms, 2 workers\n${report.join('\n')}`);
});

describe('fuzzing the extractor through the worker pool', () => {
  it.each(EXTRACT_FORMATS.map((format, index) => [format, index] as const))(
    'settles 1,000 mutated %s files as results or ExtractErrors, and still extracts a valid one',
    async (format, index) => {
      const rng = random(0x5eed_0000 + index);
      const started = performance.now();
      const replacedBefore = pool.stats.replaced;
      const outcomes = await Promise.all(
        Array.from({ length: FILES_PER_FORMAT }, (_, i) => {
          const seed = seeds[format][i % seeds[format].length]!;
          const bytes = mutate(format, seed.bytes, rng);
          return pool.extract({ bytes, name: `fuzz-${i}.${EXTENSION[format]}` }).then(
            (extraction) => ({ ok: true as const, extraction }),
            (error: unknown) => ({ ok: false as const, error }),
          );
        }),
      );
      const counts: Record<string, number> = {};
      for (const outcome of outcomes) {
        if (outcome.ok) {
          expect(EXTRACT_FORMATS).toContain(outcome.extraction.format);
          expect(outcome.extraction.content).not.toBe('');
          const key = `ok:${outcome.extraction.format}`;
          counts[key] = (counts[key] ?? 0) + 1;
        } else {
          // The one hard rule: nothing but an ExtractError ever comes out.
          expect(outcome.error, String(outcome.error)).toBeInstanceOf(ExtractError);
          const error = outcome.error as ExtractError;
          const key = error.data.reason === 'worker_crash' ? `${error.code}(crash)` : error.code;
          counts[key] = (counts[key] ?? 0) + 1;
        }
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const summary = Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)).map(([key, count]) => `${key}=${count}`).join(' ');
      report.push(`  ${format.padEnd(8)} ${seconds.padStart(6)} s  workers replaced ${pool.stats.replaced - replacedBefore}  ${summary}`);
      expect(Object.values(counts).reduce((sum, count) => sum + count, 0)).toBe(FILES_PER_FORMAT);
      expect(unhandled).toEqual([]);

      // Still healthy: the unmutated seed extracts in the pool exactly as on this thread.
      const seed = seeds[format][0]!;
      const expected = await extractInline({ bytes: seed.bytes, name: seed.name });
      expect(await pool.extract({ bytes: seed.bytes, name: seed.name })).toEqual(expected);
      expect(pool.stats.queued).toBe(0);
    },
    600_000,
  );
});
