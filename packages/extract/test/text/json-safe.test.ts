import { describe, expect, it } from 'vitest';
import { jsonSafe } from '../../src/text/json-safe.js';

describe('jsonSafe', () => {
  it('makes metadata survive JSON: dates, bigints, non-finite numbers, maps, sets, cycles and __proto__ keys', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const input = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const safe = jsonSafe({ when: new Date('2024-05-01T00:00:00Z'), big: 10n, inf: Infinity, nan: Number.NaN, map: new Map([['k', 1]]), set: new Set(['a']), fn: () => 1, cyclic, input, nul: 'a\u0000b' }) as Record<string, unknown>;
    expect(safe).toEqual({ when: '2024-05-01T00:00:00.000Z', big: '10', inf: 'Infinity', nan: 'NaN', map: { k: 1 }, set: ['a'], cyclic: { name: 'loop', self: null }, input: { ['__proto__']: { polluted: true } }, nul: 'ab' });
    expect(Object.getPrototypeOf(safe.input)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(JSON.stringify(safe))).toEqual(safe);
  });
});
