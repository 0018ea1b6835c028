// Runs many searches at once: validates each, batches the vector and text rankings, fuses, attaches records.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DatasetError } from '../errors.js';
import { compileFilter } from '../filter/compile.js';
import { SqlParams } from '../sql/params.js';
import type { EmbeddingInfo } from '../store/dataset-reader.js';
import { readRowsByIds } from '../store/row-io.js';
import { toFrameRecord } from '../store/record-codec.js';
import type { FrameRecord } from '../record.js';
import { tokenize } from '../text/tokenize.js';
import { reciprocalRankFusion, type FusedHit } from './hybrid.js';
import type { Ranking } from './ranked.js';
import type { Bm25Options, SearchHit, SearchRequest } from './search-types.js';
import { snapshotTextSearch, type TextCache } from './text-cache.js';
import { textSearch } from './text-search.js';
import { snapshotSearch, type VectorCache } from './vector-cache.js';
import { vectorSearch } from './vector-search.js';

/** Each search's hits, or the error that failed that search alone. */
export type SearchOutcome = { readonly ok: true; readonly hits: SearchHit[] } | { readonly ok: false; readonly error: DatasetError };

const MAX_LIMIT = 1000;

interface Plan {
  readonly request: SearchRequest;
  readonly limit: number;
  readonly depth: number;
  readonly vector: Float32Array | null;
}

function invalid(message: string): DatasetError {
  return new DatasetError('INVALID_ARGUMENT', message);
}

/** Checks one request; throws the DatasetError that fails it. */
function plan(request: SearchRequest, embedding: EmbeddingInfo | null): Plan {
  if (request.type !== 'vector' && request.type !== 'text' && request.type !== 'hybrid') {
    throw invalid(`search type must be 'vector', 'text' or 'hybrid', got ${JSON.stringify(request.type)}`);
  }
  const limit = request.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${limit}`);
  if (request.type !== 'vector' && typeof request.text !== 'string') throw invalid(`a ${request.type} search needs query text`);
  let vector: Float32Array | null = null;
  if (request.type !== 'text') {
    if (request.vector === undefined) throw invalid(`a ${request.type} search needs a query vector`);
    vector = request.vector instanceof Float32Array ? request.vector : Float32Array.from(request.vector);
    if (embedding !== null && vector.length !== embedding.dimensions) {
      throw new DatasetError(
        'EMBEDDING_MISMATCH',
        `The query vector has ${vector.length} dimensions but this dataset stores ${embedding.dimensions}-dimension vectors${embedding.model ? ` from ${embedding.model}` : ''}; embed the query with the same model.`,
        { data: { expected: embedding.dimensions, actual: vector.length } },
      );
    }
  }
  const fusion = request.fusion ?? {};
  const depth = fusion.candidates ?? Math.max(100, limit);
  if (!Number.isInteger(depth) || depth < limit || depth > 10 * MAX_LIMIT) {
    throw invalid(`fusion.candidates must be an integer from limit (${limit}) to ${10 * MAX_LIMIT}, got ${depth}`);
  }
  if (fusion.k !== undefined && !(Number.isFinite(fusion.k) && fusion.k >= 0)) throw invalid(`fusion.k must be a number >= 0, got ${fusion.k}`);
  for (const [method, weight] of Object.entries(fusion.weights ?? {})) {
    if (!(Number.isFinite(weight) && weight >= 0)) throw invalid(`fusion.weights.${method} must be a number >= 0, got ${weight}`);
  }
  // Compiling the filter on its own finds a bad one now, so it fails this search and not the batch.
  compileFilter(request.filter ?? null, { params: new SqlParams(), hasEmbedding: embedding !== null });
  return { request, limit, depth: request.type === 'hybrid' ? depth : limit, vector };
}

function isZero(vector: Float32Array): boolean {
  return vector.every((x) => x === 0);
}

/**
 * Runs every search in one pass per method: all vector rankings in one scan of the embeddings, all text
 * rankings over one snapshot of the index (or in one statement). A search that is invalid (bad filter,
 * wrong dimension, ...) fails alone. The caches, when given, must hold what `connection` sees committed:
 * readers inside a transaction pass none, so their searches see the transaction's own writes.
 */
export async function runSearches(
  connection: DuckDBConnection,
  requests: readonly SearchRequest[],
  embedding: EmbeddingInfo | null,
  bm25: Bm25Options = {},
  vectorCache: VectorCache | null = null,
  textCache: TextCache | null = null,
): Promise<SearchOutcome[]> {
  const outcomes: (SearchOutcome | Plan)[] = requests.map((request) => {
    try {
      return plan(request, embedding);
    } catch (error) {
      if (error instanceof DatasetError) return { ok: false, error };
      throw error;
    }
  });
  const plans = outcomes.map((entry, index) => ({ entry, index })).filter((p): p is { entry: Plan; index: number } => !('ok' in p.entry));

  const vectorPlans = plans.filter(({ entry }) => entry.vector !== null && embedding !== null && !isZero(entry.vector));
  const vectorRankings = new Map<number, Ranking>();
  if (embedding !== null && vectorPlans.length > 0) {
    const queries = vectorPlans.map(({ entry }) => ({ vector: entry.vector!, filter: entry.request.filter ?? null, limit: entry.depth }));
    const snapshot = vectorCache === null ? null : await vectorCache.snapshot(connection, embedding.dimensions);
    const rankings =
      snapshot === null ? await vectorSearch(connection, queries, embedding.dimensions) : await snapshotSearch(connection, snapshot, queries);
    vectorPlans.forEach(({ index }, i) => { vectorRankings.set(index, rankings[i]!); });
  }

  const textPlans = plans.filter(({ entry }) => entry.request.type !== 'vector');
  const textRankings = new Map<number, Ranking>();
  if (textPlans.length > 0) {
    const queries = textPlans.map(({ entry }) => ({ text: entry.request.text!, filter: entry.request.filter ?? null, hasEmbedding: embedding !== null, limit: entry.depth }));
    // Queries without a term rank nothing either way: they need no snapshot loaded.
    const snapshot = textCache !== null && queries.some((query) => tokenize(query.text).length > 0) ? await textCache.snapshot(connection) : null;
    const rankings = snapshot === null ? await textSearch(connection, queries, bm25) : await snapshotTextSearch(connection, snapshot, queries, bm25);
    textPlans.forEach(({ index }, i) => { textRankings.set(index, rankings[i]!); });
  }

  const fused = new Map<number, FusedHit[]>();
  for (const { entry, index } of plans) {
    const vector = vectorRankings.get(index) ?? [];
    const text = textRankings.get(index) ?? [];
    if (entry.request.type === 'hybrid') {
      const fusion = entry.request.fusion ?? {};
      fused.set(
        index,
        reciprocalRankFusion(vector, text, { k: fusion.k ?? 60, vectorWeight: fusion.weights?.vector ?? 1, textWeight: fusion.weights?.text ?? 1 }, entry.limit),
      );
    } else {
      const method = entry.request.type;
      const ranking = method === 'vector' ? vector : text;
      fused.set(index, ranking.map(({ uuid, score }, i) => ({ uuid, score, scores: { [method]: score }, ranks: { [method]: i + 1 } })));
    }
  }

  const withEmbedding = plans.some(({ entry }) => entry.request.includeEmbedding) && embedding !== null;
  const records = await fetchRecords(connection, [...new Set([...fused.values()].flat().map((hit) => hit.uuid))], withEmbedding);
  return outcomes.map((entry, index) => {
    if ('ok' in entry) return entry;
    const hits = (fused.get(index) ?? []).map((hit) => {
      const record = records.get(hit.uuid)!;
      return { ...hit, record: entry.request.includeEmbedding ? record : { ...record, embedding: null } };
    });
    return { ok: true, hits };
  });
}

async function fetchRecords(connection: DuckDBConnection, ids: string[], withEmbedding: boolean): Promise<Map<string, FrameRecord>> {
  const rows = await readRowsByIds(connection, ids, withEmbedding);
  return new Map(rows.map((row) => [row.uuid, toFrameRecord(row)]));
}
