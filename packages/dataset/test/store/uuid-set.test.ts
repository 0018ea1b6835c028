import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UuidSet } from '../../src/store/uuid-set.js';

const ID = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
const NIL = '00000000-0000-0000-0000-000000000000';

describe('UuidSet', () => {
  it('holds what was added and not deleted, through many growths, exactly as a Set of strings does', () => {
    const set = new UuidSet();
    const reference = new Set<string>();
    for (let n = 0; n < 20_000; n++) {
      set.add(ID(n * 7919));
      reference.add(ID(n * 7919));
    }
    for (let n = 0; n < 20_000; n += 3) {
      set.delete(ID(n * 7919));
      reference.delete(ID(n * 7919));
    }
    expect(set.size).toBe(reference.size);
    for (let n = 0; n < 20_000; n++) expect(set.has(ID(n * 7919))).toBe(reference.has(ID(n * 7919)));
    expect(set.has(ID(1))).toBe(false);
  });

  it('compares strings exactly: other spellings of a uuid, the nil uuid and non-uuids are members of their own', () => {
    const set = new UuidSet();
    const lower = 'abcdef01-2345-4789-8abc-def012345678';
    set.add(lower);
    set.add(NIL);
    set.add('not-a-uuid');
    expect(set.has(lower)).toBe(true);
    expect(set.has(lower.toUpperCase())).toBe(false);
    expect(set.has(NIL)).toBe(true);
    expect(set.has('not-a-uuid')).toBe(true);
    expect(set.has('abcdef01x2345-4789-8abc-def012345678')).toBe(false);
    expect(set.size).toBe(3);
    set.add(lower.toUpperCase());
    expect(set.has(lower.toUpperCase())).toBe(true);
    set.delete(NIL);
    set.delete('not-a-uuid');
    expect(set.has(NIL)).toBe(false);
    expect(set.has('not-a-uuid')).toBe(false);
    expect(set.has(lower)).toBe(true);
    expect(set.size).toBe(2);
  });

  it('agrees with a Set on random adds and deletes from a small pool (colliding probe runs, deletions inside them)', () => {
    const pool = Array.from({ length: 1500 }, (_, n) => (n % 50 === 0 ? NIL : ID(n * 4096)));
    const op = fc.record({ add: fc.boolean(), id: fc.integer({ min: 0, max: pool.length - 1 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1000, maxLength: 6000 }), (ops) => {
        const set = new UuidSet();
        const reference = new Set<string>();
        for (const { add, id } of ops) {
          if (add) {
            set.add(pool[id]!);
            reference.add(pool[id]!);
          } else {
            set.delete(pool[id]!);
            reference.delete(pool[id]!);
          }
        }
        expect(set.size).toBe(reference.size);
        for (const id of pool) expect(set.has(id)).toBe(reference.has(id));
      }),
      { numRuns: 40 },
    );
  });
});
