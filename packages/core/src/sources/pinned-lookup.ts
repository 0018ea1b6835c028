// The connection's DNS step, answered from addresses already checked: no second lookup that a rebinding DNS
// server could answer differently.
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './fetch-policy.js';

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http/node:https `request` that answers `hostname` with `addresses` only. Asked for any
 * other name, or for a family none of them has, it fails rather than fall back to DNS. Supports `all: true`,
 * which Node's happy-eyeballs connect uses to try each address in turn.
 */
export function pinnedLookup(hostname: string, addresses: readonly ResolvedAddress[]): LookupFunction {
  return (name: string, options: LookupOptions, callback: LookupCallback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : undefined;
    const usable = addresses.filter((address) => family === undefined || address.family === family);
    const first = usable[0];
    if (name !== hostname || first === undefined) {
      const error: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${name} (no checked address for it)`);
      error.code = 'ENOTFOUND';
      process.nextTick(() => callback(error, '', 4));
      return;
    }
    // Answered on a later tick, as a real lookup would be, so the socket's listeners are in place.
    if (options.all === true) process.nextTick(() => callback(null, usable.map(({ address, family: f }) => ({ address, family: f }))));
    else process.nextTick(() => callback(null, first.address, first.family));
  };
}
