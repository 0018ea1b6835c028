// A real HTTP server on 127.0.0.1 that answers like an OpenAI-compatible API, scripted per test: the scaffolding the
// chat (core) and embeddings (dataset) fakes share; each adds its own request shape and replies on top.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';

/** A request as the server received it, its JSON body typed by the caller. */
export interface ReceivedRequest<Body = unknown> {
  /** 1 for the first request the server received, and so on. */
  readonly number: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Body;
  /** Resolves when the exchange ends: true when the client went away before the response was finished. */
  readonly dropped: Promise<boolean>;
}

/** What the server does with one request. */
export type Reply =
  | { readonly status?: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  | StreamedReply
  | 'hang' // never answers
  | 'reset'; // destroys the socket without answering

/**
 * Sends the head at once, then each of `chunks` as a write of its own, waiting while the client is not reading;
 * the body is chunked unless `headers` sets a Content-Length. `chunks` may be endless: writing stops when the
 * client goes away. After the last chunk the response ends, or with `end: false` stays open.
 */
export interface StreamedReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly chunks: Iterable<string | Uint8Array>;
  readonly end?: boolean;
}

/** Decides the reply to one request; it runs as soon as the request's body has arrived. */
export type ReplyHandler<Body = unknown> = (request: ReceivedRequest<Body>) => Reply | Promise<Reply>;

/** A running fake server. */
export interface FakeOpenAiServer<Body = unknown> {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  readonly requests: ReceivedRequest<Body>[];
  /** Requests being answered right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
}

/** Starts a server for the current test; it is closed (connections and all) when the test finishes. */
export async function startFakeOpenAiServer<Body = unknown>(handler: ReplyHandler<Body>): Promise<FakeOpenAiServer<Body>> {
  const requests: ReceivedRequest<Body>[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const dropped = new Promise<boolean>((resolve) =>
        res.on('close', () => {
          inFlight--;
          resolve(!res.writableFinished);
        }),
      );
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      const request: ReceivedRequest<Body> = {
        number: requests.length + 1,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        dropped,
      };
      requests.push(request);
      void Promise.resolve(handler(request)).then((reply) => {
        if (reply === 'hang') return;
        if (reply === 'reset') {
          req.socket.destroy();
          return;
        }
        if ('chunks' in reply) {
          void stream(res, reply);
          return;
        }
        const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(payload);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

async function stream(res: ServerResponse, reply: StreamedReply): Promise<void> {
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
  res.flushHeaders();
  for (const chunk of reply.chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          res.off('drain', go);
          res.off('close', go);
          resolve();
        };
        res.on('drain', go);
        res.on('close', go);
      });
    }
  }
  if (reply.end !== false && !res.destroyed) res.end();
}
