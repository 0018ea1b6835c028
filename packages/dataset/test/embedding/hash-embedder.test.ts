import { createHash } from 'node:crypto';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { DatasetError, HashEmbedder } from '../../src/index.js';

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const norm = (a: Float32Array): number => Math.sqrt(dot(a, a));
const similarity = (a: string, b: string): number => {
  const embedder = new HashEmbedder();
  return dot(embedder.embedText(a), embedder.embedText(b));
};

describe('HashEmbedder', () => {
  it('has 384 dimensions and the id hash-v1-384 by default; dimensions are configurable and named in the id', () => {
    const byDefault = new HashEmbedder();
    expect([byDefault.id, byDefault.dimensions]).toEqual(['hash-v1-384', 384]);
    const small = new HashEmbedder({ dimensions: 64 });
    expect([small.id, small.dimensions]).toEqual(['hash-v1-64', 64]);
  });

  it('produces exactly these vectors on every platform and run', () => {
    // Reproduced bit for bit by an independent implementation of the documented design (Python + mmh3).
    expect([...new HashEmbedder({ dimensions: 16 }).embedText('hello world')]).toEqual([
      0, 0.1961161345243454, -0.7808215022087097, 0, 0, -0.38858920335769653, -0.1961161345243454, 0,
      -0.1961161345243454, -0.1961161345243454, 0, 0, 0, 0, 0, -0.29235267639160156,
    ]);
    const vector = new HashEmbedder().embedText('Hello, world! Embeddings capture lexical overlap.');
    expect([vector[6], vector[31], vector[37]]).toEqual([0.08538632094860077, 0.15060731768608093, -0.08538632094860077]);
    const bytes = new Uint8Array(vector.length * 4);
    const view = new DataView(bytes.buffer);
    vector.forEach((x, i) => { view.setFloat32(i * 4, x, true); });
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      '1d4578b0495fe99e27f165fe0b1c3517cce70f0204cf03c42818fd289dd2df78',
    );
  });

  it('returns unit-length vectors', () => {
    const embedder = new HashEmbedder();
    for (const text of ['a', 'one two three', 'x'.repeat(500), 'Ünïcödé 漢字 😀 text']) {
      expect(norm(embedder.embedText(text))).toBeCloseTo(1, 6);
    }
  });

  it('returns the zero vector, never NaN, for text without letters or digits', () => {
    const embedder = new HashEmbedder({ dimensions: 32 });
    for (const text of ['', '   ', '?!--…', '😀']) {
      expect(embedder.embedText(text)).toEqual(new Float32Array(32));
    }
  });

  it('sees text through the shared tokenizer: case, width and punctuation do not matter', () => {
    const embedder = new HashEmbedder();
    expect(embedder.embedText('ＨＥＬＬＯ,   World!')).toEqual(embedder.embedText('hello world'));
  });

  it('scores shared words above unrelated text (lexical overlap, not meaning)', () => {
    const cat = 'the cat sat on the mat';
    expect(similarity(cat, 'a cat sat on a mat')).toBeGreaterThan(0.5);
    expect(Math.abs(similarity(cat, 'stock prices fell sharply today'))).toBeLessThan(0.2);
    // Synonyms share no words, so they score like unrelated text: this is the limit the docs warn about.
    expect(Math.abs(similarity('car', 'automobile'))).toBeLessThan(0.2);
  });

  it('relates word forms through character trigrams and word order through bigrams', () => {
    expect(similarity('embedding', 'embeddings')).toBeGreaterThan(0.3);
    const reordered = similarity('dog bites man', 'man bites dog');
    expect(reordered).toBeGreaterThan(0.5);
    expect(reordered).toBeLessThan(0.999);
  });

  it('embeds a batch in order, the same as one text at a time', async () => {
    const embedder = new HashEmbedder();
    const texts = ['alpha', 'beta', 'alpha'];
    expect(await embedder.embed(texts)).toEqual(texts.map((text) => embedder.embedText(text)));
  });

  it('rejects with ABORTED when the signal has fired', async () => {
    const error: unknown = await new HashEmbedder().embed(['a'], { signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetError);
    expect((error as DatasetError).code).toBe('ABORTED');
  });

  it.each([0, -1, 1.5, 65_537, Number.NaN])('rejects dimensions %s with INVALID_ARGUMENT', (dimensions) => {
    expect(() => new HashEmbedder({ dimensions })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('gives DuckDB vectors whose cosine matches, and a zero vector whose cosine is -1, not NaN', async () => {
    const embedder = new HashEmbedder({ dimensions: 16 });
    const literal = (v: Float32Array): string => `[${[...v].join(',')}]::FLOAT[16]`;
    const a = embedder.embedText('the cat sat');
    const b = embedder.embedText('the cat ran');
    const zero = embedder.embedText('');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(
        `SELECT array_cosine_similarity(${literal(a)}, ${literal(b)}) AS ab,
                array_cosine_similarity(${literal(zero)}, ${literal(a)}) AS zero_a,
                array_cosine_similarity(${literal(zero)}, ${literal(zero)}) AS zero_zero,
                array_inner_product(${literal(zero)}, ${literal(a)}) AS zero_dot`,
      );
      const [row] = reader.getRowObjects();
      expect(row?.ab).toBeCloseTo(dot(a, b), 5);
      expect(row?.zero_a).toBe(-1);
      expect(row?.zero_zero).toBe(-1);
      expect(row?.zero_dot).toBe(0);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
