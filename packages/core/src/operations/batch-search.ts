// batch_search: many searches in one call, embedded together and run through the dataset's multi-query path.
import { type ComponentScores, DatasetError, type JsonObject, type SearchOutcome, type SearchRequest, type SearchType } from '@contextframe/dataset';
import { z } from 'zod';
import { CoreError } from '../errors/core-error.js';
import { checkEmbedderFits } from '../embedding/check-embedder.js';
import { embedGroups } from '../embedding/embed-groups.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import { runBounded } from '../engine/run-bounded.js';
import { runOperation } from '../engine/run-operation.js';
import { parseInput } from '../input/parse-input.js';

/** Most queries the schema admits; the context's `limits.maxQueries` may lower it. */
export const MAX_QUERIES = 1_000;

/** One search of a batch_search. */
export const SearchQuerySchema = z
  .strictObject({
    query: z.string().min(1).describe('The search text.'),
    search_type: z
      .enum(['vector', 'text', 'hybrid'])
      .default('hybrid')
      .describe('vector: embedding similarity; text: BM25 keywords; hybrid: both, fused by reciprocal rank fusion.'),
    limit: z.int().min(1).max(1000).default(10).describe('Most results to return.'),
    filter: z.string().optional().describe("Only records matching this filter, e.g. \"collection = 'notes' AND 'urgent' IN tags\"."),
  })
  .describe('One search.');

/** The input of batch_search. */
export const BatchSearchInputSchema = z
  .strictObject({
    queries: z.array(SearchQuerySchema).min(1).max(MAX_QUERIES).describe('The searches to run; results come back in the same order.'),
    max_parallel: z.int().min(1).max(16).default(5).describe('Groups of queries run at the same time.'),
  })
  .describe('Run many searches in one call.');

export type BatchSearchInput = z.input<typeof BatchSearchInputSchema>;
type SearchQuery = z.output<typeof SearchQuerySchema>;

/** One hit of a search, as agents see it. */
export interface SearchResultItem {
  readonly uuid: string;
  readonly title: string | null;
  readonly collection: string | null;
  readonly content: string;
  readonly tags: readonly string[];
  readonly metadata: JsonObject;
  readonly record_type: string;
  readonly parent_id: string | null;
  readonly chunk_index: number | null;
  readonly score: number;
  readonly scores: ComponentScores;
}

/** One search's outcome: its hits, or why it failed (other searches are unaffected). */
export interface SearchQueryResult {
  readonly query: string;
  readonly search_type: SearchType;
  readonly success: boolean;
  readonly count: number;
  readonly results: SearchResultItem[];
  readonly error?: string;
  readonly code?: string;
}

/** The result of batch_search: one entry per query, in input order. */
export interface BatchSearchResult {
  readonly searches_completed: number;
  readonly searches_failed: number;
  readonly results: SearchQueryResult[];
  readonly progress: ProgressSummary;
}

function failed(query: SearchQuery, error: unknown): SearchQueryResult {
  const core = CoreError.from(error);
  return { query: query.query, search_type: query.search_type, success: false, count: 0, results: [], error: core.message, code: core.code };
}

function succeeded(query: SearchQuery, outcome: Extract<SearchOutcome, { ok: true }>): SearchQueryResult {
  const results = outcome.hits.map(({ record, score, scores }) => ({
    uuid: record.uuid,
    title: record.title,
    collection: record.collection,
    content: record.content,
    tags: record.tags,
    metadata: record.metadata,
    record_type: record.record_type,
    parent_id: record.parent_id,
    chunk_index: record.chunk_index,
    score,
    scores,
  }));
  return { query: query.query, search_type: query.search_type, success: true, count: results.length, results };
}

/**
 * Runs one group of queries: the texts of its vector and hybrid queries are embedded in one embedder call
 * (each distinct text once), then every query runs in one `searchMany`. A query fails alone (bad filter,
 * failed embedding); only cancellation fails the group.
 */
async function searchGroup(queries: readonly SearchQuery[], context: BatchContext): Promise<SearchQueryResult[]> {
  const { dataset, embedder, signal } = context;
  const needVectors = queries.filter((query) => query.search_type !== 'text');
  const vectors = new Map<string, Float32Array | { error: unknown }>();
  if (needVectors.length > 0) {
    const info = dataset.embeddingInfo;
    let misfit: unknown;
    try {
      checkEmbedderFits(info, embedder);
    } catch (error) {
      misfit = error;
    }
    const texts = [...new Set(needVectors.map((query) => query.query))];
    if (misfit !== undefined) {
      for (const text of texts) vectors.set(text, { error: misfit });
    } else if (info === null) {
      // No record has a vector yet: the vector side ranks nothing, so don't pay for query embeddings.
      for (const text of texts) vectors.set(text, new Float32Array(embedder.dimensions));
    } else {
      const embedded = await embedGroups(
        embedder,
        texts.map((text) => [text]),
        signal,
      );
      texts.forEach((text, i) => {
        const result = embedded[i]!;
        vectors.set(text, result.ok ? result.vectors[0]! : { error: result.error });
      });
    }
  }
  const planned = queries.map((query): { request: SearchRequest } | { error: unknown } => {
    const request = { type: query.search_type, text: query.query, limit: query.limit, filter: query.filter ?? null };
    if (query.search_type === 'text') return { request };
    const vector = vectors.get(query.query)!;
    return vector instanceof Float32Array ? { request: { ...request, vector } } : { error: vector.error };
  });
  const requests = planned.flatMap((plan) => ('request' in plan ? [plan.request] : []));
  throwIfCancelled(signal, 'batch_search was cancelled.');
  let outcomes: SearchOutcome[] = [];
  try {
    outcomes = requests.length === 0 ? [] : await dataset.searchMany(requests);
  } catch (error) {
    if (!(error instanceof DatasetError)) throw error;
    // A failure of the whole pass (e.g. a closed dataset) fails each of its queries, reported per query.
    outcomes = requests.map(() => ({ ok: false, error }));
  }
  let next = 0;
  return queries.map((query, i) => {
    const plan = planned[i]!;
    if ('error' in plan) return failed(query, plan.error);
    const outcome = outcomes[next++]!;
    return outcome.ok ? succeeded(query, outcome) : failed(query, outcome.error);
  });
}

/**
 * Runs every query and returns their results in input order. Queries are split into groups of
 * `limits.searchGroupSize` (20); each group is one embedder call plus one multi-query search, and at most
 * `max_parallel` groups run at once. A bad filter or failed embedding fails that query only. Cancellation
 * throws CoreError CANCELLED.
 */
export async function batchSearch(input: BatchSearchInput, context: BatchContext): Promise<BatchSearchResult> {
  return runOperation('batch_search', context, async (tracker) => {
    const parsed = parseInput(BatchSearchInputSchema, input, 'batch_search');
    const limits = resolveLimits(context.limits);
    const total = parsed.queries.length;
    if (total > limits.maxQueries) {
      throw new CoreError('BATCH_TOO_LARGE', `batch_search takes at most ${limits.maxQueries} queries per call, got ${total}; split them over several calls.`, {
        data: { limit: limits.maxQueries, actual: total },
      });
    }
    tracker.start(total, `Running ${total} searches`);
    const groupSize = Math.max(1, limits.searchGroupSize);
    const groups: { start: number; queries: SearchQuery[] }[] = [];
    for (let start = 0; start < total; start += groupSize) groups.push({ start, queries: parsed.queries.slice(start, start + groupSize) });
    let done = 0;
    const grouped = await runBounded(
      groups,
      Math.min(parsed.max_parallel, limits.maxParallel),
      async (group) => {
        const results = await searchGroup(group.queries, context);
        results.forEach((result, offset) => {
          const index = group.start + offset;
          if (result.success) tracker.itemSucceeded(index);
          else tracker.itemFailed(index, { error: result.error!, code: result.code! });
        });
        done += results.length;
        tracker.advance(done, `Ran ${done} of ${total} searches`);
        return results;
      },
      context.signal === undefined ? {} : { signal: context.signal },
    );
    const results = grouped.flat();
    const completed = results.filter((result) => result.success).length;
    return { searches_completed: completed, searches_failed: total - completed, results };
  });
}
