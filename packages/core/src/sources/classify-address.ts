// Which network ranges a fetched URL may never reach unless private addresses are allowed: the judgement
// behind URL_NOT_ALLOWED, as a pure function of one resolved address.
import { CoreError } from '../errors/core-error.js';
import { type Cidr, formatIpv4, inCidr, type IpAddress, ipv4At, parseCidr, parseIp } from './ip-address.js';

/** Why an address is refused: what kind of network it belongs to. */
export type AddressKind =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'metadata'
  | 'multicast'
  | 'broadcast'
  | 'benchmarking'
  | 'documentation'
  | 'reserved';

/** A refused range an address fell in. `via` names the IPv6 wrapper when an embedded IPv4 address was judged. */
export interface BlockedRange {
  readonly kind: AddressKind;
  /** The range, e.g. `127.0.0.0/8`. */
  readonly range: string;
  /** What the range is, for messages, e.g. `loopback` or `cloud metadata service`. */
  readonly description: string;
  /** For IPv4-mapped, NAT64 and 6to4 addresses: the wrapper whose embedded IPv4 address was refused. */
  readonly via?: string;
  /** The embedded IPv4 address that was judged, when `via` is set. */
  readonly embedded?: string;
}

interface Rule {
  readonly cidr: Cidr;
  readonly kind: AddressKind;
  readonly description: string;
}

const rule = (text: string, kind: AddressKind, description: string): Rule => ({ cidr: parseCidr(text)!, kind, description });

// First match wins, so single metadata addresses come before the ranges that contain them.
const IPV4_RULES: readonly Rule[] = [
  rule('0.0.0.0/8', 'unspecified', '"this network" (0.0.0.0 reaches the local host)'),
  rule('10.0.0.0/8', 'private', 'private network'),
  rule('100.100.100.200/32', 'metadata', 'cloud metadata service (Alibaba Cloud)'),
  rule('100.64.0.0/10', 'cgnat', 'carrier-grade NAT shared space'),
  rule('127.0.0.0/8', 'loopback', 'loopback'),
  rule('169.254.169.254/32', 'metadata', 'cloud metadata service (AWS, GCP, Azure, Oracle...)'),
  rule('169.254.170.2/32', 'metadata', 'cloud metadata service (AWS ECS task credentials)'),
  rule('169.254.0.0/16', 'link-local', 'link-local'),
  rule('172.16.0.0/12', 'private', 'private network'),
  rule('192.0.0.192/32', 'metadata', 'cloud metadata service (Oracle Cloud)'),
  rule('192.0.0.0/24', 'reserved', 'IETF protocol assignments'),
  rule('192.0.2.0/24', 'documentation', 'documentation (TEST-NET-1)'),
  rule('192.88.99.0/24', 'reserved', '6to4 relay anycast'),
  rule('192.168.0.0/16', 'private', 'private network'),
  rule('198.18.0.0/15', 'benchmarking', 'network benchmarking'),
  rule('198.51.100.0/24', 'documentation', 'documentation (TEST-NET-2)'),
  rule('203.0.113.0/24', 'documentation', 'documentation (TEST-NET-3)'),
  rule('224.0.0.0/4', 'multicast', 'multicast'),
  rule('255.255.255.255/32', 'broadcast', 'broadcast'),
  rule('240.0.0.0/4', 'reserved', 'reserved for future use'),
];

// IPv6 wrappers around an IPv4 address: the embedded address is judged by the IPv4 rules, because that is
// where a gateway (or the kernel, for mapped addresses) would send the connection.
const EMBEDDING: readonly { readonly cidr: Cidr; readonly via: string; readonly offset: number }[] = [
  { cidr: parseCidr('::ffff:0:0/96')!, via: 'IPv4-mapped IPv6', offset: 12 },
  { cidr: parseCidr('64:ff9b::/96')!, via: 'NAT64', offset: 12 },
  { cidr: parseCidr('2002::/16')!, via: '6to4', offset: 2 },
];

const IPV6_RULES: readonly Rule[] = [
  rule('::/128', 'unspecified', 'unspecified address (reaches the local host)'),
  rule('::1/128', 'loopback', 'loopback'),
  rule('::/96', 'reserved', 'IPv4-compatible IPv6 (deprecated)'),
  rule('::ffff:0:0:0/96', 'reserved', 'IPv4-translated IPv6'),
  rule('64:ff9b:1::/48', 'private', 'local-use NAT64'),
  rule('100::/64', 'reserved', 'discard-only'),
  rule('2001:db8::/32', 'documentation', 'documentation'),
  rule('2001::/23', 'reserved', 'IETF protocol assignments (incl. Teredo tunnels)'),
  rule('3fff::/20', 'documentation', 'documentation'),
  rule('fd00:ec2::254/128', 'metadata', 'cloud metadata service (AWS, IPv6)'),
  rule('fc00::/7', 'private', 'unique local (private network)'),
  rule('fe80::/10', 'link-local', 'link-local'),
  rule('fec0::/10', 'private', 'site-local (deprecated private network)'),
  rule('ff00::/8', 'multicast', 'multicast'),
];

function matchRule(ip: IpAddress, rules: readonly Rule[]): BlockedRange | undefined {
  const found = rules.find((candidate) => inCidr(ip, candidate.cidr));
  return found === undefined ? undefined : { kind: found.kind, range: found.cidr.text, description: found.description };
}

/**
 * The refused range `address` (an IPv4 or IPv6 address as DNS returns it, brackets and zone allowed) falls
 * in, or undefined when it is a public address. IPv4-mapped (`::ffff:127.0.0.1`), NAT64 (`64:ff9b::/96`) and
 * 6to4 (`2002::/16`) addresses are judged by the IPv4 address they embed. Throws INVALID_INPUT for text that
 * is not an IP address.
 */
export function classifyAddress(address: string): BlockedRange | undefined {
  const ip = parseIp(address);
  if (ip === undefined) {
    throw new CoreError('INVALID_INPUT', `"${address}" is not an IP address; pass an IPv4 or IPv6 address such as 10.0.0.1 or ::1.`);
  }
  if (ip.family === 4) return matchRule(ip, IPV4_RULES);
  for (const wrapper of EMBEDDING) {
    if (!inCidr(ip, wrapper.cidr)) continue;
    const embedded = ipv4At(ip.bytes, wrapper.offset);
    const inner = matchRule(embedded, IPV4_RULES);
    return inner === undefined ? undefined : { ...inner, via: wrapper.via, embedded: formatIpv4(embedded) };
  }
  return matchRule(ip, IPV6_RULES);
}
