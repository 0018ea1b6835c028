// DNS for a fetch: resolve the host once, refuse it when any answer is in a refused range, and hand the
// checked answers to the connection so nothing is looked up again (a rebinding DNS server gets one say).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { CoreError } from '../errors/core-error.js';
import { type BlockedRange, classifyAddress } from './classify-address.js';
import type { ResolvedAddress, ResolvedFetchPolicy } from './fetch-policy.js';
import { inCidr, ipv4At, parseCidr, parseIp } from './ip-address.js';

// Errors of the system resolver that may pass on their own.
const TRANSIENT_DNS = new Set(['EAI_AGAIN', 'ETIMEOUT', 'ESERVFAIL', 'ECONNREFUSED']);

/** The host of `url` as DNS and net know it: IPv6 literals lose their brackets. */
export function bareHostname(url: URL): string {
  const host = url.hostname;
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

async function systemLookup(hostname: string): Promise<readonly ResolvedAddress[]> {
  const answers = await lookup(hostname, { all: true });
  return answers.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
}

/**
 * Every address `url`'s host resolves to (the literal itself for an IP host), after checking that none is
 * in a refused range, unless the policy allows private addresses or lists the address in allowAddresses.
 * Refusing when ANY answer is refused, not just the first, keeps a host with one public and one internal
 * address from reaching the internal one. Throws URL_NOT_ALLOWED naming the address and its range, or
 * URL_FETCH_FAILED when the name does not resolve.
 */
export async function resolveAllowedAddresses(url: URL, policy: ResolvedFetchPolicy): Promise<readonly ResolvedAddress[]> {
  const hostname = bareHostname(url);
  const family = isIP(hostname);
  let addresses: readonly ResolvedAddress[];
  if (family === 4 || family === 6) {
    addresses = [{ address: hostname, family }];
  } else {
    try {
      addresses = await (policy.lookup ?? systemLookup)(hostname);
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException | undefined)?.code;
      throw new CoreError(
        'URL_FETCH_FAILED',
        `Could not resolve the host of ${url.href} (${code ?? String(cause)}); check the host name in the URL.`,
        { data: { url: url.href, hostname, cause_code: code }, cause, retryable: code !== undefined && TRANSIENT_DNS.has(code) },
      );
    }
  }
  if (addresses.length === 0) {
    throw new CoreError('URL_FETCH_FAILED', `The host of ${url.href} resolved to no address; check the host name in the URL.`, {
      data: { url: url.href, hostname },
    });
  }
  if (!policy.allowPrivate) {
    for (const { address } of addresses) {
      const range = classifyAddress(address);
      if (range !== undefined && !listed(address, policy)) throw refused(url, hostname, address, range);
    }
  }
  return addresses;
}

const MAPPED = parseCidr('::ffff:0:0/96')!;

// True when allowAddresses lists `address`; an IPv4-mapped address also matches by its IPv4 form.
function listed(address: string, policy: ResolvedFetchPolicy): boolean {
  const ip = parseIp(address);
  if (ip === undefined) return false;
  const candidates = inCidr(ip, MAPPED) ? [ip, ipv4At(ip.bytes, 12)] : [ip];
  return policy.allowAddresses.some((cidr) => candidates.some((candidate) => inCidr(candidate, cidr)));
}

function refused(url: URL, hostname: string, address: string, range: BlockedRange): CoreError {
  const resolved = hostname === address ? `is ${address}` : `resolves to ${address}`;
  const via = range.via === undefined ? '' : ` (${range.via} of ${range.embedded})`;
  return new CoreError(
    'URL_NOT_ALLOWED',
    `${url.href} ${resolved}, a ${range.kind} address${via} in ${range.range} (${range.description}). Loopback, private, ` +
      'link-local, CGNAT, metadata and other internal addresses are refused; the server must be started with ' +
      '--allow-private-urls to fetch them.',
    {
      data: {
        url: url.href,
        hostname,
        address,
        kind: range.kind,
        range: range.range,
        ...(range.via === undefined ? {} : { via: range.via, embedded: range.embedded }),
      },
    },
  );
}
