// The HTTP server's guards: bearer token (401), Host and Origin allowlists (403), body limit (413), safe binding.
import { spawnSync } from 'node:child_process';
import { type FakeEmbeddings, INITIALIZE, mcpHeaders, rawRequest, startFakeEmbeddings } from '@contextframe/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, MAIN, type RunningServer, startHttp, tempDir } from './helpers/http-server.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('bearer token', () => {
  const dir = tempDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHttp({ cwd: dir.path, env: { CONTEXTFRAME_TOKEN: TOKEN } });
  });
  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  it('answers 401 with WWW-Authenticate when the token is missing', async () => {
    const response = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(INITIALIZE) });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="contextframe"');
    expect(JSON.parse(response.body).error.message).toMatch(/Authorization: Bearer/);
  });

  it('answers 401 with error="invalid_token" when the token is wrong', async () => {
    const response = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders({ authorization: `Bearer ${TOKEN}x` }), body: JSON.stringify(INITIALIZE) });
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="contextframe", error="invalid_token"');
  });

  it('serves a client that sends the token', async () => {
    const s = await connect(server.url, TOKEN);
    expect((await s.call('dataset_info')).structuredContent).toMatchObject({ records: 0 });
    await s.close();
  });

  it('keeps /healthz open for probes', async () => {
    expect((await rawRequest(new URL('/healthz', server.url))).status).toBe(200);
  });
});

describe('Host and Origin', () => {
  const dir = tempDir();
  let server: RunningServer;
  beforeAll(async () => {
    server = await startHttp({ cwd: dir.path, args: ['--max-body-bytes', '4096'] });
  });
  afterAll(async () => {
    await server.stop();
    dir.remove();
  });

  it('answers 403 to a foreign Origin', async () => {
    const response = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders({ origin: 'https://evil.example' }), body: JSON.stringify(INITIALIZE) });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body).error.message).toMatch(/Origin https:\/\/evil\.example is not allowed/);
  });

  it('answers 403 to a rebound Host (DNS rebinding)', async () => {
    const response = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders({ host: `evil.example:${server.url.port}` }), body: JSON.stringify(INITIALIZE) });
    expect(response.status).toBe(403);
  });

  it('accepts the server\'s own origin', async () => {
    const response = await rawRequest(server.url, {
      method: 'POST',
      headers: mcpHeaders({ origin: `http://localhost:${server.url.port}`, host: `localhost:${server.url.port}` }),
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(200);
  });

  it('answers 413 to a body over the limit', async () => {
    const big = { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'batch_add', arguments: { documents: [{ content: 'x'.repeat(10_000) }] } } };
    const response = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(big) });
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).error.message).toMatch(/larger than 4096 bytes/);
  });

  it('answers 413 to a chunked body that grows over the limit', async () => {
    const response = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders({ 'transfer-encoding': 'chunked' }), body: `{"padding":"${'y'.repeat(20_000)}"}` });
    expect(response.status).toBe(413);
  });
});

describe('binding', () => {
  it('refuses to listen on a non-loopback address without a token', () => {
    const result = spawnSync(process.execPath, [MAIN, '--host', '0.0.0.0', '--port', '0'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' }, timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/requires a bearer token/);
  });

  it('listens on 0.0.0.0 with a token, and still demands it', async () => {
    const dir = tempDir();
    const server = await startHttp({ cwd: dir.path, args: ['--host', '0.0.0.0'], env: { CONTEXTFRAME_TOKEN: TOKEN } });
    try {
      const local = new URL(`http://127.0.0.1:${server.url.port}/mcp`);
      expect((await rawRequest(local, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(INITIALIZE) })).status).toBe(401);
      const s = await connect(local, TOKEN);
      expect((await s.call('dataset_info')).isError).toBeFalsy();
      await s.close();
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});

describe('session limit', () => {
  const dir = tempDir();
  let embeddings: FakeEmbeddings;
  let server: RunningServer;
  beforeAll(async () => {
    // Slow embeddings keep a batch_add running long enough to hold its session busy.
    embeddings = await startFakeEmbeddings(8, 1500);
    server = await startHttp({
      cwd: dir.path,
      args: ['--max-sessions', '1'],
      env: { CONTEXTFRAME_EMBEDDING_URL: embeddings.url, CONTEXTFRAME_EMBEDDING_MODEL: 'fake', CONTEXTFRAME_EMBEDDING_DIMENSIONS: '8' },
    });
  });
  afterAll(async () => {
    await server.stop();
    await embeddings.close();
    dir.remove();
  });

  it('answers 503 with Retry-After while every session is busy, then closes the longest-idle one to admit a new client', async () => {
    const first = await connect(server.url);
    const running = first.call('batch_add', { documents: [{ content: 'held busy by slow embeddings' }] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const refused = await rawRequest(server.url, { method: 'POST', headers: mcpHeaders(), body: JSON.stringify(INITIALIZE) });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(JSON.parse(refused.body).error.message).toMatch(/--max-sessions/);
    expect((await running).structuredContent).toMatchObject({ success: true, documents_added: 1 });

    // Now idle, the first session makes room for a second client, and is gone.
    const second = await connect(server.url);
    expect((await second.call('dataset_info')).structuredContent).toMatchObject({ documents: 1 });
    await expect(first.call('dataset_info')).rejects.toThrow();
    expect(server.stderr()).toMatch(/closed to make room for a new one/);
    await second.close();
  });
});
