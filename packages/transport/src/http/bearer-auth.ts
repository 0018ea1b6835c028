// Bearer-token checks for the HTTP server, in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';

/** What a request's Authorization header amounts to. */
export type BearerOutcome = 'ok' | 'missing' | 'invalid';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** Checks `Authorization: Bearer <token>` against one secret. */
export class BearerAuth {
  // Comparing fixed-length digests keeps the time independent of where (and whether) the tokens differ, length included.
  readonly #expected: Buffer;

  constructor(token: string) {
    this.#expected = digest(token);
  }

  /** `missing` when no bearer token was sent, `invalid` when it is wrong. */
  check(authorization: string | undefined): BearerOutcome {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    if (match === null) return 'missing';
    return timingSafeEqual(digest(match[1]!), this.#expected) ? 'ok' : 'invalid';
  }

  /** The WWW-Authenticate header of a 401 for `outcome` (RFC 6750). */
  static challenge(outcome: Exclude<BearerOutcome, 'ok'>): string {
    return outcome === 'missing' ? 'Bearer realm="contextframe"' : 'Bearer realm="contextframe", error="invalid_token"';
  }
}
