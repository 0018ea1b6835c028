// Keeps the best k scored rows of a snapshot, with the same order as the SQL path: score, then uuid.
import type { Ranking } from './ranked.js';

/** The best `k` rows by score (ties to the smaller uuid), kept in a min-heap of the worst-first. */
export class TopK {
  readonly #k: number;
  readonly #ids: readonly string[];
  readonly #rows: number[] = [];
  readonly #scores: number[] = [];

  constructor(k: number, ids: readonly string[]) {
    this.#k = k;
    this.#ids = ids;
  }

  /** True when (sa, ra) ranks below (sb, rb). */
  #worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa < sb || (sa === sb && this.#ids[ra]! > this.#ids[rb]!);
  }

  /** Offers one row; a NaN score (only corrupt data gives one) is dropped, as the SQL path drops it. */
  offer(row: number, score: number): void {
    if (Number.isNaN(score)) return;
    const rows = this.#rows;
    const scores = this.#scores;
    if (rows.length < this.#k) {
      rows.push(row);
      scores.push(score);
      let i = rows.length - 1;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.#worse(scores[i]!, rows[i]!, scores[parent]!, rows[parent]!)) break;
        this.#swap(i, parent);
        i = parent;
      }
      return;
    }
    if (!this.#worse(scores[0]!, rows[0]!, score, row)) return;
    rows[0] = row;
    scores[0] = score;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < rows.length && this.#worse(scores[left]!, rows[left]!, scores[worst]!, rows[worst]!)) worst = left;
      if (right < rows.length && this.#worse(scores[right]!, rows[right]!, scores[worst]!, rows[worst]!)) worst = right;
      if (worst === i) return;
      this.#swap(i, worst);
      i = worst;
    }
  }

  #swap(i: number, j: number): void {
    [this.#rows[i], this.#rows[j]] = [this.#rows[j]!, this.#rows[i]!];
    [this.#scores[i], this.#scores[j]] = [this.#scores[j]!, this.#scores[i]!];
  }

  /** The kept rows, best first. */
  sorted(): Ranking {
    return this.#rows
      .map((row, i) => ({ uuid: this.#ids[row]!, score: this.#scores[i]! }))
      .sort((x, y) => y.score - x.score || (x.uuid < y.uuid ? -1 : 1));
  }
}
