// Reciprocal Rank Fusion of a vector ranking and a text ranking.
import type { Ranking } from './ranked.js';
import type { ComponentScores } from './search-types.js';

/** One fused hit, before its record is attached. */
export interface FusedHit {
  readonly uuid: string;
  readonly score: number;
  readonly scores: ComponentScores;
  readonly ranks: ComponentScores;
}

export interface RrfSettings {
  readonly k: number;
  readonly vectorWeight: number;
  readonly textWeight: number;
}

/**
 * Fuses two rankings: each record scores Σ weight_m / (k + rank_m) over the methods that ranked it (ranks
 * from 1). Returns the best `limit`, ordered by fused score, ties broken by uuid.
 */
export function reciprocalRankFusion(vector: Ranking, text: Ranking, settings: RrfSettings, limit: number): FusedHit[] {
  const hits = new Map<string, { score: number; scores: { vector?: number; text?: number }; ranks: { vector?: number; text?: number } }>();
  const add = (ranking: Ranking, method: 'vector' | 'text', weight: number) => {
    ranking.forEach(({ uuid, score }, index) => {
      const rank = index + 1;
      const hit = hits.get(uuid) ?? { score: 0, scores: {}, ranks: {} };
      hit.score += weight / (settings.k + rank);
      hit.scores[method] = score;
      hit.ranks[method] = rank;
      hits.set(uuid, hit);
    });
  };
  add(vector, 'vector', settings.vectorWeight);
  add(text, 'text', settings.textWeight);
  return [...hits]
    .map(([uuid, hit]) => ({ uuid, ...hit }))
    .sort((a, b) => b.score - a.score || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0))
    .slice(0, limit);
}
