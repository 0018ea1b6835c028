import { type DatasetError, type Embedder, HashEmbedder } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';
import { checkEmbedderFits, embedGroups, meanVector } from '../../src/index.js';
import { FaultInjectingEmbedder } from '../fixtures.js';

describe('embedGroups', () => {
  it('embeds all groups in one call and splits the vectors back per group', async () => {
    const embedder = new FaultInjectingEmbedder('never');
    const groups = [['a', 'b'], [], ['c']];
    const result = await embedGroups(embedder, groups);
    expect(embedder.calls).toBe(1);
    expect(result.map((group) => (group.ok ? group.vectors.length : -1))).toEqual([2, 0, 1]);
    const direct = await new HashEmbedder({ dimensions: 64 }).embed(['a', 'b', 'c']);
    expect(result[2]!.ok && Array.from(result[2]!.vectors[0]!)).toEqual(Array.from(direct[2]!));
  });

  it('finds the failing group by bisection with about 2·log2(n) extra calls, and embeds the rest', async () => {
    const embedder = new FaultInjectingEmbedder('POISON');
    const groups = Array.from({ length: 16 }, (_, i) => [i === 11 ? 'POISON' : `text ${i}`]);
    const result = await embedGroups(embedder, groups);
    expect(result.map((group) => group.ok)).toEqual(groups.map((_, i) => i !== 11));
    expect(embedder.calls).toBeLessThanOrEqual(1 + 2 * Math.log2(16));
    expect((result[11] as { error: DatasetError }).error.code).toBe('EMBEDDER_FAILED');
  });

  it('fails every group at once on a retryable failure', async () => {
    const embedder = new FaultInjectingEmbedder('x', { retryable: true });
    const result = await embedGroups(embedder, [['x'], ['y'], ['z']]);
    expect(result.every((group) => !group.ok)).toBe(true);
    expect(embedder.calls).toBe(1);
  });

  it('rejects with CANCELLED when the signal fires', async () => {
    await expect(embedGroups(new HashEmbedder(), [['a']], AbortSignal.abort())).rejects.toMatchObject({ code: 'CANCELLED' });
  });

  it('calls an embedder that breaks its contract or throws a plain error EMBEDDER_FAILED', async () => {
    const short: Embedder = { id: 'short', dimensions: 4, embed: async () => [] };
    const wrongSize: Embedder = { id: 'wrong', dimensions: 4, embed: async (texts) => texts.map(() => new Float32Array(3)) };
    const throwing: Embedder = {
      id: 'throws',
      dimensions: 4,
      embed: async () => {
        throw new Error('socket hang up');
      },
    };
    for (const embedder of [short, wrongSize, throwing]) {
      const [result] = await embedGroups(embedder, [['a']]);
      expect(result!.ok).toBe(false);
      expect((result as { error: DatasetError }).error.code).toBe('EMBEDDER_FAILED');
    }
  });
});

describe('meanVector', () => {
  it('is the normalized mean of the vectors', () => {
    const mean = meanVector([Float32Array.from([1, 0]), Float32Array.from([0, 1])]);
    expect(Array.from(mean).map((x) => Number(x.toFixed(6)))).toEqual([Number(Math.SQRT1_2.toFixed(6)), Number(Math.SQRT1_2.toFixed(6))]);
    expect(Array.from(meanVector([Float32Array.from([3, 4])]))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(meanVector([Float32Array.from([1, 0]), Float32Array.from([-1, 0])]))).toEqual([0, 0]);
    expect(() => meanVector([])).toThrow(RangeError);
  });
});

describe('checkEmbedderFits', () => {
  const embedder = new HashEmbedder({ dimensions: 8 });
  it('accepts an empty dataset, the same model, or an unnamed model of the same size', () => {
    expect(() => checkEmbedderFits(null, embedder)).not.toThrow();
    expect(() => checkEmbedderFits({ model: embedder.id, dimensions: 8 }, embedder)).not.toThrow();
    expect(() => checkEmbedderFits({ model: null, dimensions: 8 }, embedder)).not.toThrow();
  });

  it('rejects another model or another size with EMBEDDING_MISMATCH', () => {
    expect(() => checkEmbedderFits({ model: 'other', dimensions: 8 }, embedder)).toThrow(expect.objectContaining({ code: 'EMBEDDING_MISMATCH' }));
    expect(() => checkEmbedderFits({ model: null, dimensions: 9 }, embedder)).toThrow(/9 dimensions/);
  });
});
