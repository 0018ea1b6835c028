// A real HTTP server on 127.0.0.1 that speaks the OpenAI embeddings API, scripted per test.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onTestFinished } from 'vitest';
import { HashEmbedder } from '../../src/index.js';

/** A request as the server received it. */
export interface ReceivedRequest {
  readonly number: number;
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: { model?: unknown; input: string[]; dimensions?: unknown; encoding_format?: unknown };
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

export type Handler = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface FakeServer {
  /** `http://127.0.0.1:<port>/v1` */
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Requests being answered right now, and the most there ever were at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Every input text the server was asked to embed, in arrival order. */
  readonly inputs: string[];
}

/** Embeds with the hash embedder, as a real server would with its model; `data` goes out in reverse order. */
export function embeddings(inputs: readonly string[], dimensions: number): Reply {
  const embedder = new HashEmbedder({ dimensions });
  const data = inputs.map((text, index) => ({ object: 'embedding', index, embedding: [...embedder.embedText(text)] }));
  return { body: { object: 'list', model: 'fake', data: data.reverse(), usage: { prompt_tokens: 0, total_tokens: 0 } } };
}

/** Starts a server for the current test; it is closed (connections and all) when the test finishes. */
export async function startFakeServer(handler: Handler): Promise<FakeServer> {
  const requests: ReceivedRequest[] = [];
  const inputs: string[] = [];
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
      const raw = Buffer.concat(chunks).toString('utf8');
      const body = JSON.parse(raw) as ReceivedRequest['body'];
      const request: ReceivedRequest = {
        number: requests.length + 1,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        dropped,
      };
      requests.push(request);
      inputs.push(...body.input);
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
    inputs,
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

/** Waits until `condition` holds, polling; gives up after `limitMs` so a broken test fails instead of hanging. */
export async function until(condition: () => boolean, limitMs = 5_000): Promise<boolean> {
  for (let waited = 0; waited < limitMs; waited += 5) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}
