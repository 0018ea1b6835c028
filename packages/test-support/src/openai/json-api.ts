// A local JSON API on 127.0.0.1 shared by a whole test file (started in beforeAll, closed in afterAll): each POST
// body is parsed and answered with what `answer` returns. The apps' fake embeddings and chat APIs sit on it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running local JSON API. */
export interface JsonApi {
  /** The API root to configure, e.g. http://127.0.0.1:1234/v1. */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Starts a server answering each request's JSON body with `answer(body)` (awaited), as a 200 JSON response. */
export async function startJsonApi<Body>(answer: (body: Body) => unknown): Promise<JsonApi> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body;
      void Promise.resolve(answer(body)).then((reply) => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
