import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { pinnedLookup } from '../../src/sources/pinned-lookup.js';

const ADDRESSES = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
] as const;

function ask(name: string, options: LookupOptions): Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }> {
  return new Promise((resolve) => {
    pinnedLookup('docs.example', ADDRESSES)(name, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('pinnedLookup', () => {
  it('answers the checked host with the checked addresses, one or all', async () => {
    expect(await ask('docs.example', {})).toEqual({ error: null, address: '127.0.0.1', family: 4 });
    expect(await ask('docs.example', { all: true })).toEqual({ error: null, address: [...ADDRESSES], family: undefined });
  });

  it('answers a family request with that family only', async () => {
    expect(await ask('docs.example', { family: 6 })).toEqual({ error: null, address: '::1', family: 6 });
    expect(await ask('docs.example', { family: 4, all: true })).toMatchObject({ address: [ADDRESSES[0]] });
  });

  it('fails with ENOTFOUND for any other name instead of asking DNS', async () => {
    const { error } = await ask('localhost', {});
    expect(error?.code).toBe('ENOTFOUND');
  });
});
