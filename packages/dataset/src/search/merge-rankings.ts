// Merges two rankings of disjoint records into one, as if both had been ranked together.
import type { Ranking } from './ranked.js';

/** The best `limit` of two rankings, in the order both follow: score descending, then uuid ascending. */
export function mergeRankings(a: Ranking, b: Ranking, limit: number): Ranking {
  const out: Ranking = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < a.length || j < b.length)) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && (x.score > y.score || (x.score === y.score && x.uuid < y.uuid)))) {
      out.push(x!);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}
