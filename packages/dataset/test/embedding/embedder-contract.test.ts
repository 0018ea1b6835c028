// One contract, every Embedder: each implementation (and the cache around it) must pass the same suite.
import { describe, expect, it } from 'vitest';
import { CachedEmbedder, DatasetError, HashEmbedder, OpenAIEmbedder } from '../../src/index.js';
import type { Embedder } from '../../src/index.js';
import { embeddings, startFakeServer } from './fake-openai-server.js';

const openai = async (): Promise<Embedder> => {
  const server = await startFakeServer((request) => embeddings(request.body.input, 24));
  return new OpenAIEmbedder({ baseUrl: server.baseUrl, model: 'fake', dimensions: 24, batchSize: 3 });
};

const EMBEDDERS: [string, () => Promise<Embedder>][] = [
  ['HashEmbedder', async () => new HashEmbedder({ dimensions: 24 })],
  ['CachedEmbedder(HashEmbedder)', async () => new CachedEmbedder(new HashEmbedder({ dimensions: 24 }))],
  ['OpenAIEmbedder', openai],
  ['CachedEmbedder(OpenAIEmbedder)', async () => new CachedEmbedder(await openai())],
];

const TEXTS = ['first text', 'second text', '', 'first text', 'ünïcödé 😀 漢字', 'x '.repeat(200)];

describe.each(EMBEDDERS)('Embedder contract: %s', (_name, make) => {
  it('has an id and a positive integer dimension count', async () => {
    const embedder = await make();
    expect(embedder.id).toMatch(/\S/);
    expect(Number.isInteger(embedder.dimensions) && embedder.dimensions > 0).toBe(true);
  });

  it('returns one finite vector of `dimensions` per text, in order, equal texts equal', async () => {
    const embedder = await make();
    const vectors = await embedder.embed(TEXTS);
    expect(vectors).toHaveLength(TEXTS.length);
    for (const vector of vectors) {
      expect(vector).toBeInstanceOf(Float32Array);
      expect(vector).toHaveLength(embedder.dimensions);
      expect(vector.every(Number.isFinite)).toBe(true);
    }
    expect(vectors[3]).toEqual(vectors[0]);
    expect(vectors[1]).not.toEqual(vectors[0]);
    expect(vectors[2]).toEqual(new Float32Array(embedder.dimensions));
  });

  it('is deterministic: the same texts give the same vectors on a later call', async () => {
    const embedder = await make();
    const first = await embedder.embed(TEXTS);
    expect(await embedder.embed(TEXTS.slice(0, 2))).toEqual(first.slice(0, 2));
  });

  it('returns nothing for no texts', async () => {
    expect(await (await make()).embed([])).toEqual([]);
  });

  it('rejects with ABORTED when the signal has already fired', async () => {
    const error: unknown = await (await make()).embed(['a'], { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('ABORTED');
  });
});
