// The version keeping shared by the in-memory search copies (vectors, text index): load once, lay commits over.
import type { DuckDBConnection } from '@duckdb/node-api';

/**
 * Changes past which reloading a copy beats laying them over it: a quarter of what the loaded copy holds, and
 * never fewer than MIN_OVERLAY_CHANGES. A write this large is rare, and an overlay is rebuilt on every patch,
 * so it must stay small next to a full load.
 */
export const MIN_OVERLAY_CHANGES = 10_000;
export const OVERLAY_SHARE = 0.25;

/** The most changed records an overlay over a copy of `loaded` records takes (see OVERLAY_SHARE). */
export function overlayLimit(loaded: number): number {
  return Math.max(MIN_OVERLAY_CHANGES, Math.ceil(loaded * OVERLAY_SHARE));
}

/** A loaded copy that can take a commit's changes on top of it (see PatchedSnapshot, PatchedTextSnapshot). */
export interface Patchable<Change, Self> {
  /** The most changed records an overlay takes before a reload is the better deal. */
  readonly overlayLimit: number;
  /** This state with `changes` on top, or null when a fresh load is better (too many, or over `maxBytes`). */
  patched(changes: ReadonlyMap<string, Change | null>, maxBytes: number): Self | null;
}

/**
 * Holds the latest copy of one kind of index. Every committed write bumps the version. A commit whose changes
 * are known is laid over the copy at the next search; any other commit, or changes too large for an overlay,
 * make the next search load a fresh copy (in one read transaction, which the loader opens). A copy over the
 * budget is not kept: its loader returns null and searches run in DuckDB.
 */
export class SnapshotCache<Change, Snapshot extends Patchable<Change, Snapshot>> {
  readonly #maxBytes: number;
  #version = 0;
  /** The copy of `version`, once `pending` is laid over it. */
  #current: { version: number; snapshot: Snapshot } | null = null;
  /** Changes committed since `current` was built, merged in commit order (the last write of a uuid wins). */
  #pending: Map<string, Change | null> | null = null;
  #loading: { version: number; promise: Promise<Snapshot | null> } | null = null;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Marks the copy stale; the next search loads it afresh. */
  invalidate(): void {
    this.#version++;
    this.#current = null;
    this.#pending = null;
  }

  /**
   * Records a commit that wrote records: its changes are laid over the copy at the next search, or, when they
   * are unknown (null) or there is no current copy, the next search reloads.
   */
  committed(changes: ReadonlyMap<string, Change | null> | null): void {
    const current = this.#current;
    if (changes === null || current === null || current.version !== this.#version) {
      this.invalidate();
      return;
    }
    const pending = this.#pending ?? new Map<string, Change | null>();
    for (const [uuid, change] of changes) pending.set(uuid, change);
    // Commits with no search between them must not pile up changes without end.
    if (pending.size > current.snapshot.overlayLimit) {
      this.invalidate();
      return;
    }
    this.#version++;
    this.#current = { version: this.#version, snapshot: current.snapshot };
    this.#pending = pending;
  }

  /** The current copy, loading it through `load` when stale; null when over budget. */
  async snapshot(connection: DuckDBConnection, load: (connection: DuckDBConnection, maxBytes: number) => Promise<Snapshot | null>): Promise<Snapshot | null> {
    const version = this.#version;
    const current = this.#current;
    if (current?.version === version) {
      const pending = this.#pending;
      if (pending === null) return current.snapshot;
      this.#pending = null;
      const patched = current.snapshot.patched(pending, this.#maxBytes);
      if (patched !== null) {
        this.#current = { version, snapshot: patched };
        return patched;
      }
      this.#current = null;
    }
    if (this.#loading?.version !== version) {
      const promise = load(connection, this.#maxBytes);
      this.#loading = { version, promise };
      promise.then(
        (snapshot) => {
          if (snapshot !== null && this.#version === version) {
            this.#current = { version, snapshot };
            this.#pending = null;
          }
        },
        () => {},
      );
    }
    return this.#loading.promise;
  }
}
