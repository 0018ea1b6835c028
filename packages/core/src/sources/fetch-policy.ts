// What a URL fetch may do: which addresses it may reach, and how long, how far and how much it may read.
import { z } from 'zod';
import { parseInput } from '../input/parse-input.js';
import { type Cidr, parseCidr } from './ip-address.js';
import { DEFAULT_SOURCE_LIMITS } from './source-limits.js';

/** One address a host name resolved to. */
export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Resolves a host name to every address it has (as `dns.lookup` with `all: true` does). */
export type HostResolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

/** Options of fetchUrl; every field has a safe default. */
export interface FetchPolicy {
  /**
   * Fetch loopback, private, link-local, CGNAT, metadata and other refused addresses too. Default false;
   * servers turn it on only with an explicit flag (`--allow-private-urls`).
   */
  readonly allowPrivate?: boolean;
  /**
   * Addresses or CIDR blocks (`10.1.2.3`, `10.1.0.0/16`, `fd12::/64`) fetched even though they fall in a
   * refused range, e.g. one internal documentation server. Default none.
   */
  readonly allowAddresses?: readonly string[];
  /** Whole exchange (DNS, every redirect hop, the body), in ms. Default 15000. */
  readonly timeoutMs?: number;
  /** Redirects followed; one more fails with URL_TOO_MANY_REDIRECTS. Default 5. */
  readonly maxRedirects?: number;
  /** Largest body, counted after decompression, in bytes. Default 20 MiB. */
  readonly maxBytes?: number;
  /** Resolves host names; default `dns.lookup(host, { all: true })`. Its answers are checked, then connected to. */
  readonly lookup?: HostResolver;
}

/** The zod schema of FetchPolicy; parsing fills the defaults. */
export const FetchPolicySchema = z.strictObject({
  allowPrivate: z.boolean().default(false),
  allowAddresses: z
    .array(z.string().refine((text) => parseCidr(text) !== undefined, 'must be an IP address or CIDR block such as 10.1.0.0/16'))
    .default([]),
  timeoutMs: z.int().min(1).max(600_000).default(DEFAULT_SOURCE_LIMITS.timeoutMs),
  maxRedirects: z.int().min(0).max(20).default(DEFAULT_SOURCE_LIMITS.maxRedirects),
  maxBytes: z.int().min(1).default(DEFAULT_SOURCE_LIMITS.maxBytes),
  lookup: z.custom<HostResolver>((value) => typeof value === 'function', 'must be a function').optional(),
});

/** A FetchPolicy after validation: defaults filled in and allowAddresses parsed. */
export interface ResolvedFetchPolicy {
  readonly allowPrivate: boolean;
  readonly allowAddresses: readonly Cidr[];
  readonly timeoutMs: number;
  readonly maxRedirects: number;
  readonly maxBytes: number;
  readonly lookup: HostResolver | undefined;
}

/** Validates `policy` once (INVALID_INPUT naming each bad field) and fills its defaults. */
export function resolveFetchPolicy(policy: FetchPolicy = {}): ResolvedFetchPolicy {
  const parsed = parseInput(FetchPolicySchema, policy, 'fetch policy');
  return { ...parsed, allowAddresses: parsed.allowAddresses.map((text) => parseCidr(text)!), lookup: parsed.lookup };
}
