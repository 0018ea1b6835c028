// The shapes of search requests and hits, shared by the vector, text and hybrid searches.
import type { FrameRecord } from '../record.js';

/** `vector`: cosine similarity; `text`: BM25; `hybrid`: both, fused by Reciprocal Rank Fusion. */
export type SearchType = 'vector' | 'text' | 'hybrid';

/** Settings of Reciprocal Rank Fusion. */
export interface FusionOptions {
  /** The RRF constant: a hit at rank r (from 1) adds weight / (k + r). Default 60. */
  readonly k?: number;
  /** Per-method weights, default 1 each. */
  readonly weights?: { readonly vector?: number; readonly text?: number };
  /** How many of each method's best hits are fused (default max(100, limit)). */
  readonly candidates?: number;
}

/** One search. `text` is needed for text and hybrid, `vector` for vector and hybrid. */
export interface SearchRequest {
  readonly type: SearchType;
  readonly text?: string;
  readonly vector?: Float32Array | readonly number[];
  /** Applied before ranking: top-k is exact among the matching records. */
  readonly filter?: string | null;
  /** Hits to return, 1 to 1,000 (default 10). */
  readonly limit?: number;
  readonly fusion?: FusionOptions;
  /** Include each hit record's `embedding` (default false). */
  readonly includeEmbedding?: boolean;
}

/** A component's score and rank (from 1) in its own ranking. */
export interface ComponentScores {
  readonly vector?: number;
  readonly text?: number;
}

/** One ranked result. Hits are ordered by `score`, ties broken by uuid. */
export interface SearchHit {
  readonly uuid: string;
  /** Cosine similarity (vector), BM25 score (text) or fused RRF score (hybrid). */
  readonly score: number;
  /** Each method's own score of this record; a method that did not rank it is absent. */
  readonly scores: ComponentScores;
  /** Each method's rank (from 1) of this record. */
  readonly ranks: ComponentScores;
  readonly record: FrameRecord;
}

/** BM25 parameters. */
export interface Bm25Options {
  /** Term-frequency saturation (default 1.2). */
  readonly k1?: number;
  /** Length normalization (default 0.75). */
  readonly b?: number;
}
