// The Streamable HTTP server: /mcp with stateful sessions, /healthz, auth, DNS-rebinding guard, body limit, graceful stop.
import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { DEFAULT_MAX_SESSIONS, type HttpConfig } from '../config/server-config.js';
import type { Logger } from '../logging/logger.js';
import { createServer, type ServerOptions } from '../server/create-server.js';
import { WorkTracker } from '../server/work-tracker.js';
import { BearerAuth } from './bearer-auth.js';
import { OriginGuard } from './origin-guard.js';
import { readBody } from './read-body.js';
import { type Session, SessionRegistry } from './session-registry.js';

export interface HttpServeOptions {
  /** What each session's McpServer is built from (one dataset shared by every session). */
  readonly server: ServerOptions;
  readonly http: HttpConfig;
  readonly logger: Logger;
  /** How long running calls may finish at shutdown before they are cancelled (and roll back). */
  readonly graceMs: number;
}

/** A listening HTTP server. */
export interface HttpServer {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  readonly url: string;
  readonly port: number;
  /** Sessions open now. */
  readonly sessions: number;
  /** Resolves once the server stopped. */
  readonly closed: Promise<void>;
  /** Stops accepting requests, waits up to the grace period for running calls, cancels the rest, closes. Idempotent. */
  shutdown(reason: string): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const rpcError = (code: number, message: string) => ({ jsonrpc: '2.0', error: { code, message }, id: null });

/** The ids of the JSON-RPC requests (not notifications or responses) in a body. */
function requestIds(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) =>
    typeof message === 'object' && message !== null && 'method' in message && 'id' in message ? [(message as { id: RequestId }).id] : [],
  );
}

const isInitialize = (body: unknown): boolean => (Array.isArray(body) ? body.some((message) => isInitializeRequest(message)) : isInitializeRequest(body));

/**
 * Starts the HTTP server. `/mcp` speaks Streamable HTTP with one session (and one McpServer) per client;
 * `/healthz` answers 200 while serving. Every /mcp request passes the Host/Origin guard (403), the bearer
 * token when one is configured (401 with WWW-Authenticate) and the body limit (413). A client that hangs up
 * during a call cancels it. Logs go to the logger only.
 */
export async function startHttpServer(options: HttpServeOptions): Promise<HttpServer> {
  const { http, logger, graceMs } = options;
  const work = options.server.work ?? new WorkTracker();
  const serverOptions: ServerOptions = { ...options.server, work };
  const auth = http.token === undefined ? undefined : new BearerAuth(http.token);
  const sessions = new SessionRegistry({ idleMs: http.sessionIdleSeconds * 1000, logger });
  let guard: OriginGuard | undefined;
  let stopping: Promise<void> | undefined;
  let markClosed = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));

  async function openSession(): Promise<Session> {
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => sessions.add(id, session),
    });
    // Set before connect: the server chains its own close handler after this one.
    transport.onclose = () => sessions.remove(transport.sessionId);
    const server = createServer(serverOptions);
    const session: Session = { server, transport, lastSeen: Date.now(), open: 0 };
    await server.connect(transport);
    return session;
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const read = await readBody(req, http.maxBodyBytes);
    if (!read.ok) {
      sendJson(res, 413, rpcError(-32600, `Request body larger than ${http.maxBodyBytes} bytes; send fewer items per call.`), { connection: 'close' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch {
      sendJson(res, 400, rpcError(-32700, 'Parse error: the body is not JSON.'));
      return;
    }
    const id = req.headers['mcp-session-id'];
    let session: Session | undefined;
    if (typeof id === 'string') {
      session = sessions.get(id);
      if (session === undefined) {
        sendJson(res, 404, rpcError(-32001, 'Session not found: it expired or the server restarted; initialize a new session.'));
        return;
      }
    } else if (isInitialize(body)) {
      const maxSessions = http.maxSessions ?? DEFAULT_MAX_SESSIONS;
      // The longest-idle session makes room before a new client is turned away.
      if (sessions.size >= maxSessions) await sessions.closeOldestIdle();
      if (sessions.size >= maxSessions) {
        sendJson(res, 503, rpcError(-32000, `The server has ${sessions.size} sessions open, its limit (--max-sessions); close one or try again later.`), {
          'retry-after': '5',
        });
        return;
      }
      session = await openSession();
      const opened = session;
      // An initialize the transport rejected never gets a session id: don't keep its server.
      res.on('close', () => {
        if (opened.transport.sessionId === undefined) void opened.server.close();
      });
    } else {
      sendJson(res, 400, rpcError(-32000, 'Bad Request: no Mcp-Session-Id header; send initialize first.'));
      return;
    }
    const ids = requestIds(body);
    const end = sessions.begin(session);
    const { transport } = session;
    res.on('close', () => {
      end();
      // The client hung up before its answers were sent: cancel those calls as notifications/cancelled would.
      if (!res.writableFinished && stopping === undefined) {
        for (const requestId of ids) {
          const cancel: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId, reason: 'The HTTP client disconnected.' } };
          transport.onmessage?.(cancel);
        }
      }
    });
    await transport.handleRequest(req, res, body);
  }

  async function handleMcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const verdict = guard!.check(req.headers.host, req.headers.origin);
    if (!verdict.ok) {
      logger.warn(`refused ${req.method} /mcp: ${verdict.reason}`);
      sendJson(res, 403, rpcError(-32000, `Forbidden: ${verdict.reason}.`));
      return;
    }
    if (auth !== undefined) {
      const outcome = auth.check(req.headers.authorization);
      if (outcome !== 'ok') {
        sendJson(res, 401, rpcError(-32001, outcome === 'missing' ? 'Unauthorized: send Authorization: Bearer <token>.' : 'Unauthorized: wrong token.'), {
          'www-authenticate': BearerAuth.challenge(outcome),
        });
        return;
      }
    }
    if (req.method === 'POST') return handlePost(req, res);
    if (req.method === 'GET' || req.method === 'DELETE') {
      const id = req.headers['mcp-session-id'];
      const session = typeof id === 'string' ? sessions.get(id) : undefined;
      if (session === undefined) {
        sendJson(res, typeof id === 'string' ? 404 : 400, rpcError(-32001, 'Session not found: send a valid Mcp-Session-Id header.'));
        return;
      }
      session.lastSeen = Date.now();
      return session.transport.handleRequest(req, res);
    }
    sendJson(res, 405, rpcError(-32000, 'Method not allowed.'), { allow: 'GET, POST, DELETE' });
  }

  const server = createHttpServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    logger.debug(`${req.method} ${path}`, { session: req.headers['mcp-session-id'] });
    const handled = (async () => {
      if (path === '/healthz') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET, HEAD' });
        return stopping === undefined ? sendJson(res, 200, { status: 'ok', sessions: sessions.size }) : sendJson(res, 503, { status: 'stopping' });
      }
      if (path !== '/mcp') return sendJson(res, 404, { error: 'not found: the MCP endpoint is /mcp' });
      if (stopping !== undefined) return sendJson(res, 503, rpcError(-32000, 'The server is shutting down.'), { connection: 'close' });
      return handleMcp(req, res);
    })();
    handled.catch((error: unknown) => {
      logger.error(`${req.method} ${path} failed`, { error: error instanceof Error ? error : new Error(String(error)) });
      sendJson(res, 500, rpcError(-32603, 'Internal error; the server log has the details.'));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(http.port, http.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  guard = new OriginGuard({ host: http.host, port, allowedHosts: http.allowedHosts, allowedOrigins: http.allowedOrigins });
  const shownHost = http.host.includes(':') && !http.host.startsWith('[') ? `[${http.host}]` : http.host;

  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info(`shutting down (${reason}), ${work.size} call(s) running`);
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      if (!(await work.idle(graceMs))) logger.warn(`cancelling ${work.size} call(s) still running after ${graceMs} ms`);
      // A call that just finished hands its response to the SDK in microtasks: let it reach its stream first.
      await new Promise((resolve) => setImmediate(resolve));
      // Closing the sessions aborts every running call's signal: atomic work rolls back.
      await sessions.closeAll();
      // Cancelled calls settle quickly (a rollback); one that ignores its signal must not hold the process forever.
      if (!(await work.idle(Math.max(1_000, graceMs)))) logger.error(`${work.size} call(s) did not stop after cancellation`);
      server.closeIdleConnections();
      const drained = await Promise.race([stopped.then(() => true), new Promise<boolean>((resolve) => setTimeout(resolve, 2_000, false).unref())]);
      if (!drained) server.closeAllConnections();
      await stopped;
      markClosed();
    })();
    return stopping;
  };

  return {
    url: `http://${shownHost}:${port}/mcp`,
    port,
    get sessions() {
      return sessions.size;
    },
    closed,
    shutdown,
  };
}
