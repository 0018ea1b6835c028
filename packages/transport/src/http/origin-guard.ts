// DNS-rebinding protection: the Host header must name this server, and a browser's Origin must be allowed.
import { isLoopbackHost } from '../config/load-config.js';

/** Why a request was refused, or null when it may pass. */
export type GuardVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface OriginGuardOptions {
  /** The address listened on and the actual port (after a port-0 bind). */
  readonly host: string;
  readonly port: number;
  readonly allowedHosts?: readonly string[] | undefined;
  readonly allowedOrigins?: readonly string[] | undefined;
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The Host values a server at host:port answers to by default (null: any, for a wildcard bind). */
export function defaultAllowedHosts(host: string, port: number): string[] | null {
  if (WILDCARDS.has(host)) return null;
  const names = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  const own = host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
  return isLoopbackHost(host) && names.includes(own) ? names : [...names, own];
}

/**
 * Checks Host and Origin. Hosts must be allowed (explicitly, or by default the loopback names and the bound
 * address with the port; a wildcard bind without a list accepts any Host, the bearer token then being the
 * guard). An Origin, when sent, must be allowed (by default `http(s)://` + an allowed host, or the request's
 * own Host for a wildcard bind). Requests without Origin come from non-browser clients and pass.
 */
export class OriginGuard {
  readonly #hosts: ReadonlySet<string> | null;
  readonly #origins: ReadonlySet<string> | null;

  constructor(options: OriginGuardOptions) {
    const hosts = options.allowedHosts ?? defaultAllowedHosts(options.host, options.port);
    this.#hosts = hosts === null ? null : new Set(hosts.map((host) => host.toLowerCase()));
    const origins = options.allowedOrigins ?? hosts?.flatMap((host) => [`http://${host}`, `https://${host}`]);
    this.#origins = origins === undefined ? null : new Set(origins.map((origin) => origin.toLowerCase().replace(/\/$/, '')));
  }

  check(hostHeader: string | undefined, originHeader: string | undefined): GuardVerdict {
    const host = (hostHeader ?? '').toLowerCase();
    if (this.#hosts !== null && !this.#hosts.has(host)) return { ok: false, reason: `Host ${hostHeader ?? '(none)'} is not allowed` };
    if (originHeader === undefined) return { ok: true };
    const origin = originHeader.toLowerCase().replace(/\/$/, '');
    const allowed = this.#origins === null ? sameHost(origin, host) : this.#origins.has(origin);
    return allowed ? { ok: true } : { ok: false, reason: `Origin ${originHeader} is not allowed` };
  }
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
