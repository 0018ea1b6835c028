// A vector snapshot with later commits laid over it, so a small write does not cost a full reload.
import { mergeRankings } from './merge-rankings.js';
import type { Ranking } from './ranked.js';
import { overlayLimit } from './snapshot-cache.js';
import type { VectorQuery } from './vector-search.js';
import { VectorSnapshot } from './vector-snapshot.js';

/**
 * What committed writes did to the vectors since a snapshot, uuid by uuid (the last write wins): the vector a
 * record now has, or null when it was deleted or written without one.
 */
export type VectorChanges = ReadonlyMap<string, Float32Array | null>;

/**
 * A base snapshot with committed changes on top: base rows that were deleted or rewritten since are hidden,
 * and the vectors written since live in a small second snapshot. A search ranks the visible base rows and the
 * overlay's rows and merges them; both score a vector with the same kernel and the same norm, so the result
 * is exactly that of a snapshot loaded afresh, ties by uuid included.
 */
export class PatchedSnapshot {
  readonly base: VectorSnapshot;
  /** Base uuids whose rows no longer hold the committed vector. */
  readonly #hidden: ReadonlySet<string>;
  /** The vectors written since the base was loaded, by uuid. */
  readonly #written: ReadonlyMap<string, Float32Array>;
  readonly #overlay: VectorSnapshot | null;
  /** The base rows still visible, ascending; null when every row is. */
  readonly #visible: Int32Array | null;

  private constructor(
    base: VectorSnapshot,
    hidden: ReadonlySet<string>,
    written: ReadonlyMap<string, Float32Array>,
    overlay: VectorSnapshot | null,
    visible: Int32Array | null,
  ) {
    this.base = base;
    this.#hidden = hidden;
    this.#written = written;
    this.#overlay = overlay;
    this.#visible = visible;
  }

  /** A snapshot exactly as loaded, with nothing on top. */
  static of(base: VectorSnapshot): PatchedSnapshot {
    return new PatchedSnapshot(base, new Set(), new Map(), null, null);
  }

  /** The most changed records an overlay of this base takes before a reload is the better deal. */
  get overlayLimit(): number {
    return overlayLimit(this.base.ids.length);
  }

  /**
   * This state with `changes` committed on top, or null when they make the overlay too large to be worth it
   * (or to fit `maxBytes` beside the base): the caller then loads a fresh snapshot.
   */
  patched(changes: VectorChanges, maxBytes: number): PatchedSnapshot | null {
    const base = this.base;
    const hidden = new Set(this.#hidden);
    const written = new Map(this.#written);
    for (const [uuid, vector] of changes) {
      if (base.has(uuid)) hidden.add(uuid);
      if (vector === null) written.delete(uuid);
      else if (vector.length !== base.dimensions) return null;
      else written.set(uuid, vector);
    }
    if (hidden.size + written.size > this.overlayLimit) return null;
    let overlay: VectorSnapshot | null = null;
    if (written.size > 0) {
      const ids = [...written.keys()];
      const matrix = new Float32Array(ids.length * base.dimensions);
      ids.forEach((id, i) => { matrix.set(written.get(id)!, i * base.dimensions); });
      const room = maxBytes - VectorSnapshot.bytes(base.ids.length, base.dimensions, base.quantized);
      overlay = VectorSnapshot.fromMatrix(ids, matrix, base.dimensions, room);
      if (overlay === null) return null;
    }
    let visible: Int32Array | null = null;
    if (hidden.size > 0) {
      const gone = new Uint8Array(base.ids.length);
      for (const row of base.rowsOf([...hidden])) gone[row] = 1;
      visible = new Int32Array(base.ids.length - hidden.size);
      let at = 0;
      for (let row = 0; row < gone.length; row++) if (gone[row] === 0) visible[at++] = row;
    }
    return new PatchedSnapshot(base, hidden, written, overlay, visible);
  }

  /**
   * Exact top-k per query among the records with a vector, or among `ids` of them when given (a filter's
   * matches); see VectorSnapshot.search.
   */
  search(queries: readonly VectorQuery[], ids: readonly string[] | null): Ranking[] {
    const hidden = this.#hidden;
    const baseRows = ids === null ? this.#visible : this.base.rowsOf(hidden.size === 0 ? ids : ids.filter((id) => !hidden.has(id)));
    const fromBase = this.base.search(queries, baseRows);
    const overlay = this.#overlay;
    if (overlay === null) return fromBase;
    const fromOverlay = overlay.search(queries, ids === null ? null : overlay.rowsOf(ids));
    return fromBase.map((ranking, q) => mergeRankings(ranking, fromOverlay[q]!, queries[q]!.limit));
  }
}
