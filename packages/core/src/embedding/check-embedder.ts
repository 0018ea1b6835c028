// Vectors from two models can't share a dataset: find out before paying for embeddings that the store would refuse.
import type { Embedder, EmbeddingInfo } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';

/**
 * Throws CoreError EMBEDDING_MISMATCH when the dataset's vectors come from another model or have another
 * dimension than `embedder`'s. A dataset without vectors, or one that never recorded its model, fits any embedder
 * of the right dimension.
 */
export function checkEmbedderFits(info: EmbeddingInfo | null, embedder: Embedder): void {
  if (info === null) return;
  if (info.dimensions !== embedder.dimensions || (info.model !== null && info.model !== embedder.id)) {
    throw new CoreError(
      'EMBEDDING_MISMATCH',
      `This dataset stores ${info.dimensions}-dimension vectors${info.model === null ? '' : ` from ${info.model}`}, but the configured embedder is ` +
        `${embedder.id} (${embedder.dimensions} dimensions). Configure ${info.model ?? `an embedder with ${info.dimensions} dimensions`} or use another dataset.`,
      { data: { expected: info, actual: { model: embedder.id, dimensions: embedder.dimensions } } },
    );
  }
}
