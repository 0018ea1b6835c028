// readBody against real requests: a local HTTP server reads each body with a limit and answers with what it got.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BodyResult, readBody } from '../../src/http/read-body.js';

const LIMIT = 4096;
let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

interface Reader {
  readonly port: number;
  /** What readBody settled with, per request, in order. */
  readonly outcomes: ({ result: BodyResult } | { error: Error })[];
  /** Requests whose headers arrived. */
  arrived(): number;
}

/** A server answering each request with readBody's result: the body's length, or tooLarge. */
async function reader(): Promise<Reader> {
  const outcomes: Reader['outcomes'] = [];
  let arrived = 0;
  server = createServer((req, res) => {
    arrived++;
    readBody(req, LIMIT).then(
      (result) => {
        outcomes.push({ result });
        res.writeHead(result.ok ? 200 : 413, { connection: 'close' });
        res.end(result.ok ? result.body.toString('utf8') : 'too large');
      },
      (error: Error) => void outcomes.push({ error }),
    );
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, outcomes, arrived: () => arrived };
}

/** Sends `chunks` (chunked unless `headers` says otherwise) and returns the status and body of the answer. */
function send(port: number, chunks: string[], headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

describe('readBody', () => {
  it('returns the whole body, chunk by chunk, up to exactly the limit', async () => {
    const { port, outcomes } = await reader();
    const chunks = ['a'.repeat(1000), 'b'.repeat(3000), 'c'.repeat(LIMIT - 4000)];
    expect(await send(port, chunks)).toEqual({ status: 200, body: chunks.join('') });
    expect(await send(port, [])).toEqual({ status: 200, body: '' });
    expect(outcomes).toHaveLength(2);
  });

  it('reports tooLarge from a Content-Length over the limit, even before the bytes arrive', async () => {
    const { port, outcomes } = await reader();
    const body = 'x'.repeat(LIMIT + 1);
    expect(await send(port, [body], { 'content-length': String(body.length) })).toEqual({ status: 413, body: 'too large' });
    expect(outcomes).toEqual([{ result: { ok: false, tooLarge: true } }]);
  });

  it('reports tooLarge once a chunked body grows past the limit, after draining the rest', async () => {
    const { port, outcomes } = await reader();
    expect(await send(port, ['y'.repeat(LIMIT), 'y', 'z'.repeat(10_000)])).toEqual({ status: 413, body: 'too large' });
    expect(outcomes).toEqual([{ result: { ok: false, tooLarge: true } }]);
  });

  it('stops reading 64 MiB past the limit and answers while the client is still sending', async () => {
    const { port, outcomes } = await reader();
    const chunk = Buffer.alloc(1024 * 1024, 0x61);
    let sent = 0;
    let answered: { status: number } | undefined;
    let markAnswered = () => {};
    const responded = new Promise<void>((resolve) => (markAnswered = resolve));
    const req = request({ host: '127.0.0.1', port, method: 'POST', agent: false }, (res) => {
      answered = { status: res.statusCode! };
      res.resume();
      markAnswered();
    });
    req.on('error', () => {});
    // An endless body: keep writing (respecting backpressure) until the answer comes, with a ceiling for safety.
    while (answered === undefined && sent < 256 * chunk.length) {
      sent += chunk.length;
      if (req.write(chunk)) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off('drain', done);
          resolve();
        };
        req.once('drain', done);
        void responded.then(done);
      });
    }
    req.destroy();
    expect(answered).toEqual({ status: 413 });
    expect(sent).toBeGreaterThan(64 * chunk.length);
    expect(sent).toBeLessThan(256 * chunk.length);
    expect(outcomes).toEqual([{ result: { ok: false, tooLarge: true } }]);
  });

  it('rejects when the client disconnects in the middle of the body', async () => {
    const { port, outcomes, arrived } = await reader();
    const req = request({ host: '127.0.0.1', port, method: 'POST', headers: { 'content-length': '100' }, agent: false });
    req.on('error', () => {});
    req.write('only ten b');
    await vi.waitFor(() => expect(arrived()).toBe(1));
    req.destroy();
    await vi.waitFor(() => expect(outcomes).toHaveLength(1));
    expect('error' in outcomes[0]! && outcomes[0].error.message).toBe('aborted');
  });
});
