// A local OpenAI-compatible embeddings API that answers slowly: it makes a batch long enough to cancel mid-way.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running fake embeddings API. */
export interface FakeEmbeddings {
  /** The API root to configure, e.g. http://127.0.0.1:1234/v1. */
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Deterministic vectors from the text's character codes, one per input, after `delayMs`. */
export async function startFakeEmbeddings(dimensions: number, delayMs: number): Promise<FakeEmbeddings> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] };
      setTimeout(() => {
        requests++;
        const data = input.map((text, index) => ({
          object: 'embedding',
          index,
          embedding: Array.from({ length: dimensions }, (_, d) => ((text.charCodeAt(d % Math.max(1, text.length)) || 1) % 17) / 17 + 0.01),
        }));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ object: 'list', data, model: 'fake' }));
      }, delayMs);
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
