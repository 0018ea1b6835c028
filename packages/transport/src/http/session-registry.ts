// The HTTP server's MCP sessions: one McpServer and transport each, closed when idle or at shutdown.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Logger } from '../logging/logger.js';

/** One client's session. */
export interface Session {
  readonly server: McpServer;
  readonly transport: StreamableHTTPServerTransport;
  /** When its last request arrived or finished. */
  lastSeen: number;
  /** POST requests still open (calls running or streaming). */
  open: number;
}

export interface SessionRegistryOptions {
  /** A session with no open request for this long is closed. */
  readonly idleMs: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

/** Sessions by id, with idle expiry. */
export class SessionRegistry {
  readonly #sessions = new Map<string, Session>();
  readonly #idleMs: number;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #timer: NodeJS.Timeout;

  constructor(options: SessionRegistryOptions) {
    this.#idleMs = options.idleMs;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#timer = setInterval(() => void this.sweep(), Math.max(250, Math.min(60_000, Math.floor(options.idleMs / 2))));
    this.#timer.unref();
  }

  get size(): number {
    return this.#sessions.size;
  }

  get(id: string): Session | undefined {
    return this.#sessions.get(id);
  }

  add(id: string, session: Session): void {
    this.#sessions.set(id, session);
    this.#logger.debug(`session ${id} opened (${this.#sessions.size} open)`);
  }

  /** Forgets a session whose transport closed. */
  remove(id: string | undefined): void {
    if (id !== undefined && this.#sessions.delete(id)) this.#logger.debug(`session ${id} closed (${this.#sessions.size} open)`);
  }

  /** Marks a request of `session` as started; the returned function marks it finished. */
  begin(session: Session): () => void {
    session.open++;
    session.lastSeen = this.#now();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      session.open--;
      session.lastSeen = this.#now();
    };
  }

  /** Closes sessions idle for longer than the limit; returns how many. */
  async sweep(): Promise<number> {
    const cutoff = this.#now() - this.#idleMs;
    const idle = [...this.#sessions].filter(([, session]) => session.open === 0 && session.lastSeen < cutoff);
    await Promise.all(
      idle.map(([id, session]) => {
        this.#logger.info(`session ${id} expired after ${Math.round(this.#idleMs / 1000)} s idle`);
        this.#sessions.delete(id);
        return session.server.close().catch(() => {});
      }),
    );
    return idle.length;
  }

  /**
   * Closes the session that has been idle longest (none of its calls running), to make room for a new client;
   * false when every session has a call running.
   */
  async closeOldestIdle(): Promise<boolean> {
    let oldest: [string, Session] | undefined;
    for (const entry of this.#sessions) if (entry[1].open === 0 && (oldest === undefined || entry[1].lastSeen < oldest[1].lastSeen)) oldest = entry;
    if (oldest === undefined) return false;
    this.#logger.info(`session ${oldest[0]} closed to make room for a new one (session limit reached)`);
    this.#sessions.delete(oldest[0]);
    await oldest[1].server.close().catch(() => {});
    return true;
  }

  /** Closes every session (aborting their running calls) and stops the expiry timer. */
  async closeAll(): Promise<void> {
    clearInterval(this.#timer);
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(sessions.map((session) => session.server.close().catch(() => {})));
  }
}
