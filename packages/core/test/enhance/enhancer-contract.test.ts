// One contract, every Enhancer: what batch_enhance relies on, whichever implementation it is given.
import { describe, expect, it } from 'vitest';
import { checkEnhancement, CoreError, ENHANCEMENTS, type EnhanceRequest, type Enhancer, ExtractiveEnhancer, OpenAIChatEnhancer } from '../../src/index.js';
import { fakeAnswer, startFakeChatServer } from './fake-chat-server.js';

const IMPLEMENTATIONS: { name: string; make: () => Promise<Enhancer> }[] = [
  { name: 'ExtractiveEnhancer', make: async () => new ExtractiveEnhancer() },
  {
    name: 'OpenAIChatEnhancer (local server)',
    make: async () => {
      const server = await startFakeChatServer((request) => fakeAnswer(request));
      return new OpenAIChatEnhancer({ baseUrl: server.baseUrl, model: 'contract', batchSize: 2 });
    },
  },
];

const REQUESTS: EnhanceRequest[] = [
  ['# Caching\n\nThe cache keeps hot pages in memory. It is flushed on commit.', ['title', 'tags', 'context', 'metadata']],
  ['Backups run nightly at 2024-01-02 and are kept for a month.', ['tags']],
  ['Plain words about indexing and ranking of results.', ['context', 'title']],
].map(([content, enhancements], i) => ({
  document: { uuid: `doc-${i}`, title: null, content: content as string, tags: [], metadata: {}, collection: null },
  enhancements: enhancements as EnhanceRequest['enhancements'],
}));

for (const { name, make } of IMPLEMENTATIONS) {
  describe(`Enhancer contract: ${name}`, () => {
    it('returns one outcome per request, in order, with a value or an error for exactly the requested enhancements', async () => {
      const enhancer = await make();
      const outcomes = await enhancer.enhance(REQUESTS, { purpose: 'operations handbook' });
      expect(outcomes).toHaveLength(REQUESTS.length);
      outcomes.forEach((outcome, i) => {
        const asked = REQUESTS[i]!.enhancements;
        const answered = [...Object.keys(outcome.values), ...outcome.errors.map((e) => e.enhancement)];
        expect(answered.sort()).toEqual([...asked].sort());
        for (const enhancement of ENHANCEMENTS) {
          const value = outcome.values[enhancement];
          // Values come out already in the form the operation writes.
          if (value !== undefined) expect(checkEnhancement(enhancement, value)).toEqual({ ok: true, values: { [enhancement]: value } });
        }
      });
      expect(outcomes.every((outcome) => outcome.errors.length === 0)).toBe(true);
    });

    it('returns nothing for no requests', async () => {
      expect(await (await make()).enhance([])).toEqual([]);
    });

    it('rejects with CANCELLED when the signal has already fired', async () => {
      const controller = new AbortController();
      controller.abort();
      const error = await (await make()).enhance(REQUESTS, { signal: controller.signal }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CoreError);
      expect((error as CoreError).code).toBe('CANCELLED');
    });

    it('has an id', async () => {
      expect((await make()).id).toMatch(/\S/);
    });
  });
}
