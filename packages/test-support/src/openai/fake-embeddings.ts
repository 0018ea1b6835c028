// A local OpenAI-compatible embeddings API that answers slowly: it makes a batch long enough to cancel mid-way.
import { type JsonApi, startJsonApi } from './json-api.js';

/** A running fake embeddings API. */
export type FakeEmbeddings = JsonApi;

/** Deterministic vectors from the text's character codes, one per input, after `delayMs`. */
export function startFakeEmbeddings(dimensions: number, delayMs: number): Promise<FakeEmbeddings> {
  return startJsonApi<{ input: string[] }>(async ({ input }) => {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const data = input.map((text, index) => ({
      object: 'embedding',
      index,
      embedding: Array.from({ length: dimensions }, (_, d) => ((text.charCodeAt(d % Math.max(1, text.length)) || 1) % 17) / 17 + 0.01),
    }));
    return { object: 'list', data, model: 'fake' };
  });
}
