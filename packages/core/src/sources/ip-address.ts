// IP addresses and CIDR blocks as bytes, so ranges are matched on bits rather than on spellings of an address.
import { isIPv4, isIPv6 } from 'node:net';

/** An address as its 4 (IPv4) or 16 (IPv6) bytes. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A range of addresses: the first `prefix` bits of `bytes`. `text` is how it was written. */
export interface Cidr extends IpAddress {
  readonly prefix: number;
  readonly text: string;
}

/**
 * Parses a canonical IPv4 (dotted decimal) or IPv6 address; brackets (`[::1]`) and a zone (`fe80::1%eth0`)
 * are dropped. Returns undefined for anything else: the WHATWG URL parser has already turned `2130706433`
 * or `0x7f.1` into `127.0.0.1`, so only canonical forms need reading here.
 */
export function parseIp(text: string): IpAddress | undefined {
  let address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const zone = address.indexOf('%');
  if (zone !== -1) address = address.slice(0, zone);
  if (isIPv4(address)) return { family: 4, bytes: Uint8Array.from(address.split('.'), Number) };
  if (!isIPv6(address)) return undefined;
  const bytes = new Uint8Array(16);
  const groups = ipv6Groups(address);
  groups.forEach((group, i) => {
    bytes[i * 2] = group >> 8;
    bytes[i * 2 + 1] = group & 0xff;
  });
  return { family: 6, bytes };
}

// The eight 16-bit groups of a valid IPv6 address, with `::` expanded and a trailing dotted IPv4 folded in.
function ipv6Groups(address: string): number[] {
  const toGroups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const piece of part.split(':')) {
      if (piece.includes('.')) {
        const [a, b, c, d] = piece.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else {
        out.push(Number.parseInt(piece, 16));
      }
    }
    return out;
  };
  const gap = address.indexOf('::');
  if (gap === -1) return toGroups(address);
  const head = toGroups(address.slice(0, gap));
  const tail = toGroups(address.slice(gap + 2));
  return [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
}

/** Parses `10.0.0.0/8`, `fc00::/7` or a bare address (a block of one); undefined when it is neither. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  const bits = ip.bytes.length * 8;
  const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  return { ...ip, prefix, text };
}

/** True when `ip` lies in `cidr` (same family, same leading `prefix` bits). */
export function inCidr(ip: IpAddress, cidr: Cidr): boolean {
  if (ip.family !== cidr.family) return false;
  const whole = cidr.prefix >> 3;
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== cidr.bytes[i]) return false;
  const rest = cidr.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((ip.bytes[whole]! ^ cidr.bytes[whole]!) & mask) === 0;
}

/** The dotted IPv4 address held in `bytes[offset..offset+4)`. */
export function ipv4At(bytes: Uint8Array, offset: number): IpAddress {
  return { family: 4, bytes: bytes.slice(offset, offset + 4) };
}

/** Writes an IPv4 address in dotted decimal (IPv6 addresses are reported as they were given). */
export function formatIpv4(ip: IpAddress): string {
  return Array.from(ip.bytes).join('.');
}
