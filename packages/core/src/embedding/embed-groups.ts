// Embeds many items' texts in few embedder calls, and still says which item failed when a call fails.
import { DatasetError, type Embedder } from '@contextframe/dataset';
import { cancelledError, isCancellation } from '../errors/core-error.js';

/** One group's vectors, or the error that failed the group. */
export type GroupEmbedding = { readonly ok: true; readonly vectors: Float32Array[] } | { readonly ok: false; readonly error: unknown };

/**
 * Embeds every group's texts (a group is one item: a document's chunks, one query) in one embedder call.
 * When that call fails, the failure is attributed by bisection: each half is embedded on its own, and a
 * failing half is split again, down to single groups, so one bad item among n costs about 2·log2(n) extra
 * calls and good groups still get their vectors. A `retryable` error (rate limit, server trouble the embedder
 * already retried) is not about any one item, so it fails every group at once without more calls.
 * Cancellation rejects with CoreError CANCELLED.
 */
export async function embedGroups(
  embedder: Embedder,
  groups: readonly (readonly string[])[],
  signal?: AbortSignal,
): Promise<GroupEmbedding[]> {
  const results: GroupEmbedding[] = new Array(groups.length);
  await embedRange(embedder, groups, 0, groups.length, results, signal);
  return results;
}

async function embedRange(
  embedder: Embedder,
  groups: readonly (readonly string[])[],
  from: number,
  to: number,
  results: GroupEmbedding[],
  signal: AbortSignal | undefined,
): Promise<void> {
  const texts = groups.slice(from, to).flat();
  try {
    const vectors = texts.length === 0 ? [] : await embedChecked(embedder, texts, signal);
    let next = 0;
    for (let i = from; i < to; i++) {
      const count = groups[i]!.length;
      results[i] = { ok: true, vectors: vectors.slice(next, next + count) };
      next += count;
    }
  } catch (error) {
    if (isCancellation(error, signal) || signal?.aborted) throw cancelledError(signal?.reason ?? error);
    const retryable = error instanceof DatasetError && error.retryable;
    if (to - from === 1 || retryable) {
      for (let i = from; i < to; i++) results[i] = { ok: false, error };
      return;
    }
    const middle = from + Math.ceil((to - from) / 2);
    await embedRange(embedder, groups, from, middle, results, signal);
    await embedRange(embedder, groups, middle, to, results, signal);
  }
}

/** Calls the embedder and checks it kept its contract: one vector per text, each `dimensions` long. */
async function embedChecked(embedder: Embedder, texts: readonly string[], signal: AbortSignal | undefined): Promise<Float32Array[]> {
  let vectors: Float32Array[];
  try {
    vectors = await embedder.embed(texts, signal === undefined ? {} : { signal });
  } catch (error) {
    if (error instanceof DatasetError || isCancellation(error, signal)) throw error;
    // Embedders promise DatasetErrors; anything else thrown by one is still the embedder failing.
    throw new DatasetError('EMBEDDER_FAILED', `Embedder ${embedder.id} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  if (vectors.length !== texts.length) {
    throw new DatasetError('EMBEDDER_FAILED', `Embedder ${embedder.id} returned ${vectors.length} vectors for ${texts.length} texts; check the embedding service.`);
  }
  for (const vector of vectors) {
    if (vector.length !== embedder.dimensions) {
      throw new DatasetError(
        'EMBEDDER_FAILED',
        `Embedder ${embedder.id} returned a ${vector.length}-dimension vector but promises ${embedder.dimensions}; check its configuration.`,
      );
    }
  }
  return vectors;
}
