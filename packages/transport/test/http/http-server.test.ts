// startHttpServer in this process: the SDK's real Client over Streamable HTTP on a real port, and raw requests
// (and raw sockets) for the status codes, pipelining and hang-ups the Client hides.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect as connectSocket, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Embedder, FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { INITIALIZE, mcpHeaders, rawRequest, rawSession } from '@contextframe/test-support';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type HttpConfig, type HttpServer, startHttpServer, WorkTracker } from '../../src/index.js';
import { GatedEmbedder } from '../gated-embedder.js';

interface Served {
  readonly server: HttpServer;
  readonly url: URL;
  readonly dataset: FrameDataset;
  readonly work: WorkTracker;
  /** Everything logged so far, debug included. */
  log(): string;
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: { http?: Partial<HttpConfig>; graceMs?: number; embedder?: Embedder } = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-transport-http-'));
  const dataset = await FrameDataset.open({ path: join(dir, 'http.duckdb') });
  const work = new WorkTracker();
  let log = '';
  const logger = createLogger({ level: 'debug', name: 'http-test', stream: { write: (text: string) => (log += text) } });
  const server = await startHttpServer({
    server: { dataset, embedder: options.embedder ?? new HashEmbedder({ dimensions: 64 }), work, logger },
    http: { host: '127.0.0.1', port: 0, maxBodyBytes: 1_000_000, sessionIdleSeconds: 600, ...options.http },
    logger,
    graceMs: options.graceMs ?? 5_000,
  });
  const served: Served = {
    server,
    url: new URL(server.url),
    dataset,
    work,
    log: () => log,
    close: async () => {
      await server.shutdown('test over');
      await work.idle();
      await dataset.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  cleanups.push(served.close);
  return served;
}

async function connect(url: URL, token?: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(url, token === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  cleanups.push(() => client.close());
  return { client, transport };
}

const callBody = (id: number, content: string) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'batch_add', arguments: { documents: [{ content }] } } });

/** One HTTP/1.1 request as bytes, for writing several down one socket. */
function rawHttp(port: number, method: string, path: string, headers: Record<string, string>, body = ''): string {
  const lines = Object.entries({ host: `127.0.0.1:${port}`, ...headers, 'content-length': String(Buffer.byteLength(body)) }).map(([key, value]) => `${key}: ${value}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n${body}`;
}

function openSocket(port: number): { socket: Socket; received(): string; closed: Promise<void> } {
  const socket = connectSocket(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (received += chunk));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => received, closed };
}

describe('startHttpServer', () => {
  it('serves each SDK client its own session on /mcp, and /healthz counts them', async () => {
    const s = await serve();
    expect(s.server.url).toBe(`http://127.0.0.1:${s.server.port}/mcp`);
    const first = await connect(s.url);
    const second = await connect(s.url);
    const info = await first.client.callTool({ name: 'dataset_info', arguments: {} });
    expect(info.structuredContent).toMatchObject({ records: 0 });
    expect((await second.client.callTool({ name: 'add_document', arguments: { content: 'from the second client' } })).isError).toBeFalsy();
    expect(s.server.sessions).toBe(2);
    const health = await rawRequest(new URL('/healthz', s.url));
    expect([health.status, JSON.parse(health.body)]).toEqual([200, { status: 'ok', sessions: 2 }]);
    expect((await rawRequest(new URL('/healthz?probe=1', s.url), { method: 'HEAD' })).status).toBe(200);

    // DELETE with the session id ends that session only.
    await first.transport.terminateSession();
    expect(s.server.sessions).toBe(1);
    expect(await s.dataset.count()).toBe(1);
    expect(s.log()).toMatch(/debug http-test: POST \/mcp/);
  });

  it('answers 404 off /mcp and 405 to methods an endpoint does not serve', async () => {
    const s = await serve();
    const missing = await rawRequest(new URL('/other', s.url));
    expect([missing.status, JSON.parse(missing.body)]).toEqual([404, { error: 'not found: the MCP endpoint is /mcp' }]);
    const healthPost = await rawRequest(new URL('/healthz', s.url), { method: 'POST' });
    expect([healthPost.status, healthPost.headers.allow]).toEqual([405, 'GET, HEAD']);
    const put = await rawRequest(s.url, { method: 'PUT', headers: mcpHeaders(), body: '{}' });
    expect([put.status, put.headers.allow]).toEqual([405, 'GET, POST, DELETE']);
    expect(JSON.parse(put.body)).toEqual({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed.' }, id: null });
    expect(s.server.sessions).toBe(0);
  });

  it('answers 400 to a body that is not JSON, and to a request without a session that is not initialize', async () => {
    const s = await serve();
    const garbled = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders(), body: '{"jsonrpc": "2.0",' });
    expect([garbled.status, JSON.parse(garbled.body).error]).toEqual([400, { code: -32700, message: 'Parse error: the body is not JSON.' }]);
    const sessionless = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect(sessionless.status).toBe(400);
    expect(JSON.parse(sessionless.body).error.message).toMatch(/no Mcp-Session-Id header; send initialize first/);
    expect(s.server.sessions).toBe(0);
  });

  it('answers 404 to an unknown session id on POST, GET and DELETE, and 400 to GET without one', async () => {
    const s = await serve();
    const unknown = mcpHeaders({ 'mcp-session-id': 'no-such-session' });
    const post = await rawRequest(s.url, { method: 'POST', headers: unknown, body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }) });
    expect([post.status, JSON.parse(post.body).error.code]).toEqual([404, -32001]);
    expect(JSON.parse(post.body).error.message).toMatch(/initialize a new session/);
    expect((await rawRequest(s.url, { method: 'GET', headers: unknown })).status).toBe(404);
    expect((await rawRequest(s.url, { method: 'DELETE', headers: unknown })).status).toBe(404);
    const noId = await rawRequest(s.url, { method: 'GET', headers: { accept: 'text/event-stream' } });
    expect([noId.status, JSON.parse(noId.body).error.message]).toEqual([400, 'Session not found: send a valid Mcp-Session-Id header.']);
  });

  it('opens a session for an initialize sent as a one-message JSON-RPC batch', async () => {
    const s = await serve();
    const batch = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify([INITIALIZE]) });
    expect(batch.status).toBe(200);
    expect(typeof batch.headers['mcp-session-id']).toBe('string');
    expect(batch.body).toMatch(/"serverInfo":\{"name":"contextframe"/);
    expect(s.server.sessions).toBe(1);
  });

  it('drops the server of an initialize the transport refuses, leaving no session behind', async () => {
    const s = await serve();
    // The Streamable HTTP transport needs clients to accept both JSON and event streams.
    const refused = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders({ accept: 'application/json' }), body: JSON.stringify(INITIALIZE) });
    expect(refused.status).toBe(406);
    expect(refused.headers['mcp-session-id']).toBeUndefined();
    expect(s.server.sessions).toBe(0);
    expect(JSON.parse((await rawRequest(new URL('/healthz', s.url))).body).sessions).toBe(0);
  });

  it('turns a new client away with 503 and Retry-After while every session is busy, and closes the longest-idle one to admit it', async () => {
    const embedder = new GatedEmbedder();
    const s = await serve({ embedder, http: { maxSessions: 1 } });
    const first = await connect(s.url);
    const running = first.client.callTool({ name: 'batch_add', arguments: { documents: [{ content: 'holds the session busy' }] } });
    await embedder.started;
    const refused = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(INITIALIZE) });
    expect([refused.status, refused.headers['retry-after']]).toEqual([503, '5']);
    expect(JSON.parse(refused.body).error.message).toBe('The server has 1 sessions open, its limit (--max-sessions); close one or try again later.');
    expect(s.server.sessions).toBe(1);
    embedder.release();
    expect((await running).structuredContent).toMatchObject({ success: true, documents_added: 1 });

    // Idle now, the first session makes room for the second client.
    const second = await connect(s.url);
    expect((await second.client.callTool({ name: 'dataset_info', arguments: {} })).structuredContent).toMatchObject({ documents: 1 });
    expect(s.server.sessions).toBe(1);
    expect(s.log()).toMatch(/closed to make room for a new one/);
    await expect(first.client.callTool({ name: 'dataset_info', arguments: {} })).rejects.toThrow();
  });

  it('answers 413 to a body over maxBodyBytes, declared or streamed, and keeps serving', async () => {
    const s = await serve({ http: { maxBodyBytes: 4096 } });
    const declared = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders(), body: callBody(9, 'x'.repeat(10_000)) });
    expect([declared.status, declared.headers.connection]).toEqual([413, 'close']);
    expect(JSON.parse(declared.body).error.message).toBe('Request body larger than 4096 bytes; send fewer items per call.');
    const chunked = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders({ 'transfer-encoding': 'chunked' }), body: `{"padding":"${'y'.repeat(20_000)}"}` });
    expect(chunked.status).toBe(413);
    const { client } = await connect(s.url);
    expect((await client.callTool({ name: 'dataset_info', arguments: {} })).isError).toBeFalsy();
    expect(await s.dataset.count()).toBe(0);
  });

  it('refuses a foreign Origin and a rebound Host with 403 and logs why', async () => {
    const s = await serve();
    const origin = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders({ origin: 'https://evil.example' }), body: JSON.stringify(INITIALIZE) });
    expect([origin.status, JSON.parse(origin.body).error.message]).toEqual([403, 'Forbidden: Origin https://evil.example is not allowed.']);
    const host = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders({ host: `evil.example:${s.server.port}` }), body: JSON.stringify(INITIALIZE) });
    expect(host.status).toBe(403);
    expect(s.log()).toMatch(/warn http-test: refused POST \/mcp: Host evil\.example:\d+ is not allowed/);
    const own = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders({ origin: `http://localhost:${s.server.port}` }), body: JSON.stringify(INITIALIZE) });
    expect(own.status).toBe(200);
    expect(s.server.sessions).toBe(1);
  });

  it('demands the bearer token when one is set: 401 with WWW-Authenticate when missing or wrong', async () => {
    const token = 'a-test-token-0123456789';
    const s = await serve({ http: { token } });
    const missing = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(INITIALIZE) });
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'Bearer realm="contextframe"']);
    expect(JSON.parse(missing.body).error.message).toBe('Unauthorized: send Authorization: Bearer <token>.');
    const wrong = await rawRequest(s.url, { method: 'POST', headers: mcpHeaders({ authorization: `Bearer ${token}x` }), body: JSON.stringify(INITIALIZE) });
    expect([wrong.status, wrong.headers['www-authenticate']]).toEqual([401, 'Bearer realm="contextframe", error="invalid_token"']);
    expect(JSON.parse(wrong.body).error.message).toBe('Unauthorized: wrong token.');
    expect(s.server.sessions).toBe(0);
    const { client } = await connect(s.url, token);
    expect((await client.callTool({ name: 'dataset_info', arguments: {} })).isError).toBeFalsy();
    expect((await rawRequest(new URL('/healthz', s.url))).status).toBe(200);
  });

  it('cancels the running call of a client that hangs up, writes nothing, and keeps serving', async () => {
    const embedder = new GatedEmbedder();
    const s = await serve({ embedder });
    const headers = await rawSession(s.url);
    const req = request(s.url, { method: 'POST', headers, agent: false });
    req.on('error', () => {});
    req.end(callBody(7, 'never written'));
    await embedder.started;
    req.destroy();
    await vi.waitFor(() => expect(embedder.aborts).toBe(1));
    await s.work.idle();
    expect(await s.dataset.count()).toBe(0);
    embedder.release();
    const { client } = await connect(s.url);
    expect((await client.callTool({ name: 'add_document', arguments: { content: 'after the hang-up' } })).isError).toBeFalsy();
    expect(await s.dataset.count()).toBe(1);
  });

  it('lets a running call finish within the grace period, answering 503 to requests that arrive meanwhile', async () => {
    const embedder = new GatedEmbedder();
    const s = await serve({ embedder, graceMs: 60_000 });
    const headers = await rawSession(s.url);
    const pipe = openSocket(s.server.port);
    pipe.socket.write(rawHttp(s.server.port, 'POST', '/mcp', headers, callBody(5, 'finished during shutdown')));
    await embedder.started;
    const stopping = s.server.shutdown('test');
    // Both arrive on the busy connection after the shutdown began; their answers queue behind the running call's.
    pipe.socket.write(rawHttp(s.server.port, 'GET', '/healthz', {}));
    pipe.socket.write(rawHttp(s.server.port, 'POST', '/mcp', headers, callBody(6, 'refused')));
    await vi.waitFor(() => expect(s.log()).toMatch(/GET \/healthz/));
    expect(s.work.size).toBe(1);
    embedder.release();
    await stopping;
    await s.server.closed;
    await pipe.closed;
    const received = pipe.received();
    const answers = [...received.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((match) => match[1]);
    expect(answers).toEqual(['200', '503', '503']);
    expect(received).toMatch(/"documents_added":1/);
    expect(received).toContain('{"status":"stopping"}');
    expect(received).toContain('The server is shutting down.');
    expect(s.log()).toMatch(/info http-test: shutting down \(test\), 1 call\(s\) running/);
    expect(s.log()).not.toMatch(/cancelling/);
    expect(await s.dataset.count()).toBe(1);
  });

  it('cancels a call still running when the grace period ends, and the call rolls back', async () => {
    const embedder = new GatedEmbedder();
    const s = await serve({ embedder, graceMs: 0 });
    await s.dataset.add([{ content: 'kept' }]);
    const { client } = await connect(s.url);
    const call = client.callTool({ name: 'batch_add', arguments: { documents: [{ content: 'rolled back' }] } }).then(
      () => 'answered',
      () => 'failed',
    );
    await embedder.started;
    await s.server.shutdown('test');
    await s.server.closed;
    expect(embedder.aborts).toBe(1);
    expect(s.work.size).toBe(0);
    expect(s.log()).toMatch(/warn http-test: cancelling 1 call\(s\) still running after 0 ms/);
    expect(s.log()).not.toMatch(/did not stop/);
    await client.close();
    expect(await call).toBe('failed');
    expect(await s.dataset.count()).toBe(1);
  });

  it('stops in bounded time when a call ignores cancellation and a client stalls mid-request, logging both', async () => {
    const embedder = new GatedEmbedder({ ignoreAbort: true });
    const s = await serve({ embedder, graceMs: 0 });
    const { client } = await connect(s.url);
    const call = client.callTool({ name: 'batch_add', arguments: { documents: [{ content: 'stubborn' }] } }).then(
      () => 'answered',
      () => 'failed',
    );
    await embedder.started;
    // Headers and one byte of a 100-byte body: the request stays open, its connection never idle.
    const stalled = openSocket(s.server.port);
    const before = s.log().split('POST /mcp').length;
    stalled.socket.write(`${rawHttp(s.server.port, 'POST', '/mcp', mcpHeaders()).replace('content-length: 0', 'content-length: 100')}{`);
    await vi.waitFor(() => expect(s.log().split('POST /mcp').length).toBe(before + 1));
    await s.server.shutdown('test');
    await stalled.closed;
    expect(embedder.aborts).toBe(1);
    expect(s.log()).toMatch(/error http-test: 1 call\(s\) did not stop after cancellation/);
    // Dropping the stalled connection fails its body read: logged with the cause, answered 500 if it still could be.
    await vi.waitFor(() => expect(s.log()).toMatch(/error http-test: POST \/mcp failed\nerror: Error: aborted/));
    await client.close();
    expect(await call).toBe('failed');
    embedder.release();
    await s.work.idle();
    expect(await s.dataset.count()).toBe(0);
  });

  it('shows an IPv6 address in brackets in its URL and serves on it', async () => {
    const s = await serve({ http: { host: '::1' } });
    expect(s.server.url).toBe(`http://[::1]:${s.server.port}/mcp`);
    const { client } = await connect(s.url);
    expect((await client.callTool({ name: 'dataset_info', arguments: {} })).structuredContent).toMatchObject({ records: 0 });
  });
});
