import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, CoreError } from '../../src/index.js';

// [address, expected kind or undefined for public, expected range]
const TABLE: readonly [string, string | undefined, string?][] = [
  // IPv4
  ['0.0.0.0', 'unspecified', '0.0.0.0/8'],
  ['0.1.2.3', 'unspecified', '0.0.0.0/8'],
  ['10.0.0.1', 'private', '10.0.0.0/8'],
  ['10.255.255.255', 'private', '10.0.0.0/8'],
  ['127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['127.255.0.9', 'loopback', '127.0.0.0/8'],
  ['169.254.169.254', 'metadata', '169.254.169.254/32'],
  ['169.254.170.2', 'metadata', '169.254.170.2/32'],
  ['169.254.1.1', 'link-local', '169.254.0.0/16'],
  ['172.16.0.1', 'private', '172.16.0.0/12'],
  ['172.31.255.255', 'private', '172.16.0.0/12'],
  ['192.168.1.1', 'private', '192.168.0.0/16'],
  ['100.64.0.1', 'cgnat', '100.64.0.0/10'],
  ['100.127.255.255', 'cgnat', '100.64.0.0/10'],
  ['100.100.100.200', 'metadata', '100.100.100.200/32'],
  ['192.0.0.8', 'reserved', '192.0.0.0/24'],
  ['192.0.0.192', 'metadata', '192.0.0.192/32'],
  ['192.0.2.1', 'documentation', '192.0.2.0/24'],
  ['198.18.0.1', 'benchmarking', '198.18.0.0/15'],
  ['198.19.255.255', 'benchmarking', '198.18.0.0/15'],
  ['224.0.0.1', 'multicast', '224.0.0.0/4'],
  ['239.255.255.250', 'multicast', '224.0.0.0/4'],
  ['240.0.0.1', 'reserved', '240.0.0.0/4'],
  ['255.255.255.255', 'broadcast', '255.255.255.255/32'],
  // IPv4 neighbours of refused ranges stay public
  ['8.8.8.8', undefined],
  ['1.1.1.1', undefined],
  ['9.255.255.255', undefined],
  ['11.0.0.0', undefined],
  ['100.63.255.255', undefined],
  ['100.128.0.0', undefined],
  ['126.255.255.255', undefined],
  ['128.0.0.0', undefined],
  ['169.253.255.255', undefined],
  ['172.15.255.255', undefined],
  ['172.32.0.0', undefined],
  ['192.167.255.255', undefined],
  ['192.169.0.0', undefined],
  ['198.17.255.255', undefined],
  ['198.20.0.0', undefined],
  ['223.255.255.255', undefined],
  // IPv6
  ['::', 'unspecified', '::/128'],
  ['::1', 'loopback', '::1/128'],
  ['[::1]', 'loopback', '::1/128'],
  ['0:0:0:0:0:0:0:1', 'loopback', '::1/128'],
  ['fe80::1', 'link-local', 'fe80::/10'],
  ['fe80::1%eth0', 'link-local', 'fe80::/10'],
  ['febf:ffff::1', 'link-local', 'fe80::/10'],
  ['fc00::1', 'private', 'fc00::/7'],
  ['fd12:3456::1', 'private', 'fc00::/7'],
  ['fd00:ec2::254', 'metadata', 'fd00:ec2::254/128'],
  ['fec0::1', 'private', 'fec0::/10'],
  ['ff02::1', 'multicast', 'ff00::/8'],
  ['::7f00:1', 'reserved', '::/96'],
  ['64:ff9b:1::10', 'private', '64:ff9b:1::/48'],
  ['100::1', 'reserved', '100::/64'],
  ['2001::1', 'reserved', '2001::/23'],
  ['2001:db8::1', 'documentation', '2001:db8::/32'],
  ['2606:4700:4700::1111', undefined],
  ['2a00:1450:4001:80b::200e', undefined],
  ['fbff:ffff::1', undefined],
  ['fe7f::1', undefined],
  // IPv6 wrappers judged by the IPv4 address they carry
  ['::ffff:127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['::ffff:7f00:1', 'loopback', '127.0.0.0/8'],
  ['[::ffff:a9fe:a9fe]', 'metadata', '169.254.169.254/32'],
  ['::ffff:10.1.2.3', 'private', '10.0.0.0/8'],
  ['::ffff:8.8.8.8', undefined],
  ['64:ff9b::127.0.0.1', 'loopback', '127.0.0.0/8'],
  ['64:ff9b::a9fe:a9fe', 'metadata', '169.254.169.254/32'],
  ['64:ff9b::808:808', undefined],
  ['2002:7f00:1::', 'loopback', '127.0.0.0/8'],
  ['2002:c0a8:101::1', 'private', '192.168.0.0/16'],
  ['2002:808:808::1', undefined],
];

describe('classifyAddress', () => {
  it.each(TABLE)('judges %s as %s', (address, kind, range) => {
    const result = classifyAddress(address);
    if (kind === undefined) {
      expect(result).toBeUndefined();
    } else {
      expect(result).toMatchObject({ kind, range });
      expect(result!.description).not.toBe('');
    }
  });

  it('names the wrapper and the embedded IPv4 address of mapped, NAT64 and 6to4 addresses', () => {
    expect(classifyAddress('::ffff:7f00:1')).toMatchObject({ via: 'IPv4-mapped IPv6', embedded: '127.0.0.1' });
    expect(classifyAddress('64:ff9b::a9fe:a9fe')).toMatchObject({ via: 'NAT64', embedded: '169.254.169.254' });
    expect(classifyAddress('2002:c0a8:101::1')).toMatchObject({ via: '6to4', embedded: '192.168.1.1' });
    // A plain address has no wrapper.
    expect(classifyAddress('127.0.0.1')).not.toHaveProperty('via');
  });

  it('judges every IPv4 address the same bare, IPv4-mapped, NAT64-wrapped and 6to4-wrapped (property)', () => {
    fc.assert(
      // Random addresses, plus every IPv4 row of the table so each refused range is wrapped too.
      fc.property(fc.oneof(fc.ipV4(), fc.constantFrom(...TABLE.map(([address]) => address).filter((address) => /^[\d.]+$/.test(address)))), (v4) => {
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        const hex = (x: number, y: number): string => ((x << 8) | y).toString(16);
        const bare = classifyAddress(v4);
        for (const wrapped of [`::ffff:${v4}`, `::ffff:${hex(a, b)}:${hex(c, d)}`, `64:ff9b::${v4}`, `2002:${hex(a, b)}:${hex(c, d)}::1`]) {
          const judged = classifyAddress(wrapped);
          expect(judged?.kind).toBe(bare?.kind);
          expect(judged?.range).toBe(bare?.range);
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it('refuses text that is not an IP address with INVALID_INPUT', () => {
    for (const text of ['localhost', '2130706433', '0x7f.1', '127.1', '', '1.2.3.4.5', '::g']) {
      expect(() => classifyAddress(text)).toThrow(CoreError);
      try {
        classifyAddress(text);
      } catch (error) {
        expect((error as CoreError).code).toBe('INVALID_INPUT');
      }
    }
  });
});
