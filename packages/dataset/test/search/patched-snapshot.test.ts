import { describe, expect, it } from 'vitest';
import { PatchedSnapshot, type VectorChanges } from '../../src/search/patched-snapshot.js';
import type { VectorQuery } from '../../src/search/vector-search.js';
import { VectorSnapshot } from '../../src/search/vector-snapshot.js';

const DIMS = 37;

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff - 0.5;
  };
}

const rnd = random(4242);
const vector = (): Float32Array => Float32Array.from({ length: DIMS }, rnd);
const id = (n: number): string => `id-${String(n).padStart(5, '0')}`;

/** A fresh snapshot of `state`: what a reload after the same commits would hold. */
function fresh(state: ReadonlyMap<string, Float32Array>): VectorSnapshot {
  const names = [...state.keys()];
  const matrix = new Float32Array(names.length * DIMS);
  names.forEach((name, i) => { matrix.set(state.get(name)!, i * DIMS); });
  return VectorSnapshot.fromMatrix(names, matrix, DIMS)!;
}

/** Applies changes to a plain map of the committed vectors. */
function apply(state: Map<string, Float32Array>, changes: VectorChanges): void {
  for (const [uuid, v] of changes) {
    if (v === null) state.delete(uuid);
    else state.set(uuid, v);
  }
}

function queriesFor(state: ReadonlyMap<string, Float32Array>): VectorQuery[] {
  const some = [...state.values()];
  return [
    { vector: some[0]!, filter: null, limit: 1 },
    { vector: some[7]!, filter: null, limit: 10 },
    { vector: vector(), filter: null, limit: 25 },
    { vector: some[3]!, filter: null, limit: 400 },
  ];
}

/** Every ranking of `patched` must equal, score for score, that of a fresh snapshot of `state`. */
function expectSameAsFresh(patched: PatchedSnapshot, state: ReadonlyMap<string, Float32Array>): void {
  const reloaded = fresh(state);
  const queries = queriesFor(state);
  expect(patched.search(queries, null)).toEqual(reloaded.search(queries, null));
  // A filter's matches: every third id that ever existed, including deleted ones and ids with no vector.
  const filtered = Array.from({ length: 700 }, (_, n) => id(n)).filter((_, n) => n % 3 === 0);
  expect(patched.search(queries, filtered)).toEqual(reloaded.search(queries, reloaded.rowsOf(filtered)));
}

function baseState(count: number): Map<string, Float32Array> {
  const state = new Map<string, Float32Array>();
  for (let n = 0; n < count; n++) state.set(id(n * 2), vector());
  // Copies of one vector spread over the ids, so ties are broken by uuid across base and overlay.
  const shared = state.get(id(0))!;
  for (let n = 10; n < count; n += 50) state.set(id(n * 2), shared);
  return state;
}

describe('PatchedSnapshot', () => {
  it('ranks exactly as a fresh snapshot after adds, rewrites and deletes, ties across base and overlay included', () => {
    const state = baseState(300);
    const shared = state.get(id(0))!;
    let patched: PatchedSnapshot | null = PatchedSnapshot.of(fresh(state));
    const changes = new Map<string, Float32Array | null>([
      [id(1), shared], // a new record tying with the base's copies; its uuid sorts between theirs
      [id(41), vector()],
      [id(40), vector()], // a base record's vector rewritten
      [id(20), shared], // a base record rewritten to the shared vector
      [id(100), null], // a base copy of the shared vector deleted
      [id(6), null], // a base record deleted
      [id(999), null], // an id that never existed
    ]);
    patched = patched.patched(changes, Infinity);
    expect(patched).not.toBeNull();
    apply(state, changes);
    expectSameAsFresh(patched!, state);
  });

  it('stays exact over a chain of commits: re-adding a deleted record, deleting one the overlay added', () => {
    const state = baseState(300);
    const gone = state.get(id(8))!;
    let patched: PatchedSnapshot | null = PatchedSnapshot.of(fresh(state));
    const commits: VectorChanges[] = [
      new Map([[id(8), null], [id(3), vector()], [id(5), vector()]]),
      new Map([[id(8), gone], [id(3), null]]),
      new Map<string, Float32Array | null>([[id(5), state.get(id(12))!], [id(12), null], [id(7), vector()]]),
    ];
    for (const changes of commits) {
      patched = patched!.patched(changes, Infinity);
      expect(patched).not.toBeNull();
      apply(state, changes);
      expectSameAsFresh(patched!, state);
    }
  });

  it('finds nothing when every record is deleted, and only the overlay when the base is all gone', () => {
    const state = baseState(40);
    const base = PatchedSnapshot.of(fresh(state));
    const empty = base.patched(new Map([...state.keys()].map((uuid) => [uuid, null])), Infinity)!;
    expect(empty.search(queriesFor(state), null).every((ranking) => ranking.length === 0)).toBe(true);
    const added = vector();
    const onlyNew = empty.patched(new Map([[id(1), added]]), Infinity)!;
    expect(onlyNew.search([{ vector: added, filter: null, limit: 5 }], null)).toEqual([[{ uuid: id(1), score: 1 }]]);
    expect(onlyNew.search([{ vector: added, filter: null, limit: 5 }], [id(0), id(2)])).toEqual([[]]);
  });

  it('declines changes past its overlay limit, of another dimension, or beyond the memory budget', () => {
    const state = baseState(100);
    const snapshot = fresh(state);
    const base = PatchedSnapshot.of(snapshot);
    // Small bases take up to 10,000 changed records; a quarter of a larger one.
    expect(base.overlayLimit).toBe(10_000);
    const many = new Map(Array.from({ length: 10_001 }, (_, n) => [`new-${n}`, vector()] as const));
    expect(base.patched(many, Infinity)).toBeNull();
    // Deletes of ids it never held change nothing, however many.
    const unknown = new Map(Array.from({ length: 10_001 }, (_, n) => [`new-${n}`, null] as const));
    expectSameAsFresh(base.patched(unknown, Infinity)!, state);
    expect(base.patched(new Map([[id(1), new Float32Array(DIMS + 1)]]), Infinity)).toBeNull();
    const baseBytes = VectorSnapshot.bytes(snapshot.ids.length, DIMS, snapshot.quantized);
    expect(base.patched(new Map([[id(1), vector()]]), baseBytes)).toBeNull();
    // Deletes alone need no overlay memory.
    expect(base.patched(new Map([[id(0), null]]), baseBytes)).not.toBeNull();
  });

  it('leaves the state it was patched from as it was', () => {
    const state = baseState(120);
    const before = new Map(state);
    const base = PatchedSnapshot.of(fresh(state));
    const changes = new Map<string, Float32Array | null>([[id(0), null], [id(3), vector()]]);
    const patched = base.patched(changes, Infinity)!;
    apply(state, changes);
    expectSameAsFresh(patched, state);
    expectSameAsFresh(base, before);
  });
});
