// A text snapshot with later commits laid over it, and BM25 ranked from memory over the result.
import type { Ranking } from './ranked.js';
import type { Bm25Options } from './search-types.js';
import { type TermCounts, TextSnapshot } from './text-snapshot.js';
import { mergeRankings } from './merge-rankings.js';
import { MIN_OVERLAY_CHANGES, OVERLAY_SHARE, overlayLimit } from './snapshot-cache.js';
import { TopK } from './top-k.js';

/**
 * What committed writes did to the text index since a snapshot, uuid by uuid (the last write wins): the term
 * counts a record now has, or null when it was deleted.
 */
export type TextChanges = ReadonlyMap<string, TermCounts | null>;

/** One query for the snapshot: its distinct terms (as `tokenize` yields them) and how many hits it wants. */
export interface TermQuery {
  readonly terms: readonly string[];
  readonly limit: number;
}

/**
 * Per-row work space of a search: each row's score, the query that last touched it, and the touched rows. One
 * is shared by a loaded snapshot and every state patched from it (searches are synchronous, so never two at
 * once), so a commit does not cost fresh arrays, whose first touch is slow on some machines.
 */
class Scratch {
  scores = new Float64Array(0);
  stamps = new Int32Array(0);
  touched = new Int32Array(0);
  #stamp = 0;

  /** Makes room for `rows` rows (with headroom, so a growing overlay does not reallocate on every commit). */
  fit(rows: number): void {
    if (this.scores.length >= rows) return;
    const size = rows + (rows >> 3) + 64;
    this.scores = new Float64Array(size);
    this.stamps = new Int32Array(size);
    this.touched = new Int32Array(size);
    this.#stamp = 0;
  }

  /** A stamp no row carries yet; after 2³¹ − 1 queries the stamps start over from a cleared array. */
  nextStamp(): number {
    if (this.#stamp === 0x7fffffff) {
      this.stamps.fill(0);
      this.#stamp = 0;
    }
    return ++this.#stamp;
  }
}

/**
 * A base snapshot with committed changes on top: base records deleted or rewritten since are hidden, and the
 * records written since live in a small second snapshot (the overlay) with postings of their own. BM25's N,
 * length sum and document frequencies are those of the visible records, so scores are those of a snapshot
 * loaded afresh.
 */
export class PatchedTextSnapshot {
  readonly base: TextSnapshot;
  /** BM25's N and the sum of the lengths over the visible records. */
  readonly documents: number;
  readonly lengthSum: number;
  /** Base uuids whose rows no longer hold the committed record. */
  readonly #hiddenIds: ReadonlySet<string>;
  /** 1 at the base rows of `hiddenIds`; null when none is hidden. */
  readonly #hidden: Uint8Array | null;
  /** The records written since the base was loaded, by uuid. */
  readonly #written: ReadonlyMap<string, TermCounts>;
  readonly #overlay: TextSnapshot | null;
  readonly #scratch: Scratch;

  private constructor(
    base: TextSnapshot,
    hiddenIds: ReadonlySet<string>,
    hidden: Uint8Array | null,
    written: ReadonlyMap<string, TermCounts>,
    overlay: TextSnapshot | null,
    scratch: Scratch,
  ) {
    this.base = base;
    this.#hiddenIds = hiddenIds;
    this.#hidden = hidden;
    this.#written = written;
    this.#overlay = overlay;
    this.#scratch = scratch;
    let lengthSum = base.lengthSum;
    for (const uuid of hiddenIds) lengthSum -= base.lengths[base.rowOf(uuid)]!;
    this.documents = base.documents - hiddenIds.size + (overlay?.documents ?? 0);
    this.lengthSum = lengthSum + (overlay?.lengthSum ?? 0);
  }

  /** A snapshot exactly as loaded, with nothing on top. */
  static of(base: TextSnapshot): PatchedTextSnapshot {
    return new PatchedTextSnapshot(base, new Set(), null, new Map(), null, new Scratch());
  }

  /** The most changed records an overlay of this base takes before a reload is the better deal. */
  get overlayLimit(): number {
    return overlayLimit(this.base.documents);
  }

  /** Memory of the base and the overlay, estimated as for the budget (which counts the search scratch per record). */
  get bytes(): number {
    return this.base.bytes + (this.#overlay?.bytes ?? 0);
  }

  /**
   * This state with `changes` committed on top, or null when they make the overlay too large to be worth it
   * (or to fit `maxBytes` beside the base): the caller then loads a fresh snapshot.
   */
  patched(changes: TextChanges, maxBytes: number): PatchedTextSnapshot | null {
    const base = this.base;
    const hiddenIds = new Set(this.#hiddenIds);
    const written = new Map(this.#written);
    for (const [uuid, counts] of changes) {
      if (base.rowOf(uuid) >= 0) hiddenIds.add(uuid);
      if (counts === null) written.delete(uuid);
      else written.set(uuid, counts);
    }
    if (hiddenIds.size + written.size > this.overlayLimit) return null;
    let postings = 0;
    for (const counts of written.values()) postings += counts.terms.length;
    if (postings > Math.max(MIN_OVERLAY_CHANGES, base.postings * OVERLAY_SHARE)) return null;
    const overlay = written.size === 0 ? null : TextSnapshot.fromCounts(written);
    if (base.bytes + (overlay?.bytes ?? 0) > maxBytes) return null;
    let hidden: Uint8Array | null = null;
    if (hiddenIds.size > 0) {
      hidden = new Uint8Array(base.documents);
      for (const uuid of hiddenIds) hidden[base.rowOf(uuid)] = 1;
    }
    return new PatchedTextSnapshot(base, hiddenIds, hidden, written, overlay, this.#scratch);
  }

  /**
   * BM25 top-k per query among the records that contain a query term, or among `ids` of them when given (a
   * filter's matches; unknown ids are skipped). N, avgdl and df cover every visible record whatever the filter;
   * see textSearch for the formula. Each term's contribution is computed in the SQL path's operation order;
   * a record's contributions are summed in query-term order. Ties go to the smaller uuid.
   */
  search(queries: readonly TermQuery[], ids: readonly string[] | null, options: Bm25Options = {}): Ranking[] {
    const k1 = options.k1 ?? 1.2;
    const b = options.b ?? 0.75;
    const base = this.base;
    const overlay = this.#overlay;
    const hidden = this.#hidden;
    // Ranking rows: the base's rows, then the overlay's (shifted past the base's).
    const shift = base.documents;
    const size = shift + (overlay?.documents ?? 0);
    const mask = ids === null ? null : this.#mask(ids, size);
    const scratch = this.#scratch;
    scratch.fit(size);
    const { scores, stamps, touched } = scratch;
    const n = this.documents;
    const avgdl = this.lengthSum / n;
    return queries.map((query) => {
      if (n === 0) return [];
      const stamp = scratch.nextStamp();
      let count = 0;
      const add = (row: number, tf: number, length: number, idf: number): void => {
        const part = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / avgdl));
        if (stamps[row] === stamp) scores[row]! += part;
        else {
          stamps[row] = stamp;
          scores[row] = part;
          touched[count++] = row;
        }
      };
      for (const term of query.terms) {
        const t = base.termId(term);
        const o = overlay === null ? -1 : overlay.termId(term);
        const from = t < 0 ? 0 : base.offsets[t]!;
        const to = t < 0 ? 0 : base.offsets[t + 1]!;
        let df = to - from;
        if (hidden !== null) for (let at = from; at < to; at++) df -= hidden[base.rows[at]!]!;
        if (o >= 0) df += overlay!.offsets[o + 1]! - overlay!.offsets[o]!;
        if (df === 0) continue;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        for (let at = from; at < to; at++) {
          const row = base.rows[at]!;
          if ((hidden !== null && hidden[row] === 1) || (mask !== null && mask[row] === 0)) continue;
          add(row, base.tfs[at]!, base.lengths[row]!, idf);
        }
        if (o < 0) continue;
        for (let at = overlay!.offsets[o]!; at < overlay!.offsets[o + 1]!; at++) {
          const row = overlay!.rows[at]!;
          if (mask !== null && mask[shift + row] === 0) continue;
          add(shift + row, overlay!.tfs[at]!, overlay!.lengths[row]!, idf);
        }
      }
      const top = new TopK(query.limit, base.ids);
      const topOverlay = overlay === null ? null : new TopK(query.limit, overlay.ids);
      for (let i = 0; i < count; i++) {
        const row = touched[i]!;
        if (row < shift) top.offer(row, scores[row]!);
        else topOverlay!.offer(row - shift, scores[row]!);
      }
      return topOverlay === null ? top.sorted() : mergeRankings(top.sorted(), topOverlay.sorted(), query.limit);
    });
  }

  /** 1 at the ranking rows of the visible records among `ids`. */
  #mask(ids: readonly string[], size: number): Uint8Array {
    const mask = new Uint8Array(size);
    const hidden = this.#hidden;
    for (const id of ids) {
      const row = this.base.rowOf(id);
      if (row >= 0 && (hidden === null || hidden[row] === 0)) mask[row] = 1;
      const own = this.#overlay?.rowOf(id) ?? -1;
      if (own >= 0) mask[this.base.documents + own] = 1;
    }
    return mask;
  }
}
