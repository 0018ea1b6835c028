// openRuntime from a configuration loadConfig built: the dataset, the configured embedder and enhancer (real local
// OpenAI-compatible APIs where they talk to one), the extraction pool, and close.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EnhanceRequest, OpenAIChatEnhancer } from '@contextframe/core';
import { CachedEmbedder, FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { WorkerPoolExtractor } from '@contextframe/extract';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, createServer, loadConfig, openRuntime, type Runtime, type ServerConfig } from '../../src/index.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cf-transport-runtime-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function config(argv: string[], cwd: string): ServerConfig {
  const request = loadConfig(argv, {}, { app: 'stdio', cwd });
  if (request.action !== 'serve') throw new Error(`expected a configuration, got ${request.action}`);
  return request.config;
}

async function open(serverConfig: ServerConfig): Promise<{ runtime: Runtime; log(): string }> {
  let log = '';
  const runtime = await openRuntime(serverConfig, createLogger({ name: 'runtime-test', stream: { write: (text: string) => (log += text) } }));
  let closed = false;
  cleanups.push(() => (closed ? undefined : runtime.close()));
  const close = runtime.close;
  const closeOnce = (): Promise<void> => {
    closed = true;
    return close();
  };
  return { runtime: { ...runtime, close: closeOnce }, log: () => log };
}

/** What a local API saw: each request's headers and body, and the most requests it held at once. */
interface ApiRecord {
  readonly url: string;
  readonly headers: IncomingHttpHeaders[];
  readonly bodies: Record<string, unknown>[];
  readonly maxInFlight: number;
}

/** A local HTTP API on 127.0.0.1 that answers each JSON request with `answer(body)`, `delayMs` after reading it. */
async function localApi(answer: (body: Record<string, unknown>) => unknown, delayMs: number): Promise<ApiRecord> {
  const headers: IncomingHttpHeaders[] = [];
  const bodies: Record<string, unknown>[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createHttpServer((req, res) => {
    headers.push(req.headers);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      bodies.push(body);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer(body)));
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        // A client that timed out has gone; its delayed answer is written into a closed socket.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return {
    url,
    headers,
    bodies,
    get maxInFlight() {
      return maxInFlight;
    },
  };
}

/** A local OpenAI-compatible embeddings API answering `dimensions`-long vectors, `delayMs` after each request. */
function embeddingsApi(dimensions: number, delayMs = 0): Promise<ApiRecord> {
  return localApi((body) => {
    const input = body.input as string[];
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: Array.from({ length: dimensions }, (_, d) => (text.length + d + 1) / 100) }));
    return { object: 'list', data, model: 'fake' };
  }, delayMs);
}

/** A local OpenAI-compatible chat API that answers every request, `delayMs` after it, with a reply holding no document. */
function chatApi(delayMs: number): Promise<ApiRecord> {
  return localApi(() => ({ choices: [{ message: { content: '{"documents": []}' }, finish_reason: 'stop' }] }), delayMs);
}

/** An MCP client talking to createServer over the runtime's options, in memory. */
async function connect(runtime: Runtime): Promise<Client> {
  const server = createServer(runtime.serverOptions);
  const client = new Client({ name: 'runtime-test', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

function enhanceRequest(n: number): EnhanceRequest {
  return { document: { uuid: `00000000-0000-4000-8000-00000000000${n}`, title: null, content: `Document ${n} about databases.`, tags: [], metadata: {}, collection: null }, enhancements: ['title'] };
}

describe('openRuntime', () => {
  it('opens the dataset with the built-in hash embedder, the extractive enhancer and an extraction pool', async () => {
    const dir = tempDir();
    const { runtime, log } = await open(config(['--dataset', 'built-in.duckdb', '--embedding-dimensions', '32'], dir));
    expect(runtime.embedder).toBeInstanceOf(HashEmbedder);
    expect(runtime.embedder.dimensions).toBe(32);
    const options = runtime.serverOptions;
    expect(options).toMatchObject({ dataset: runtime.dataset, embedder: runtime.embedder, readOnly: false, allowPrivateUrls: false, allowedRoots: [dir], llm: { kind: 'builtin' } });
    expect(options.enhancer).toBeUndefined();
    expect(options.extractor).toBeInstanceOf(WorkerPoolExtractor);
    expect(options.work.size).toBe(0);
    expect(log()).toMatch(new RegExp(`info runtime-test: dataset ${join(dir, 'built-in.duckdb')}, embedder ${runtime.embedder.id}, enhancer extractive\\n$`));
    await runtime.dataset.add([{ content: 'stored in the configured file' }]);
    expect(await runtime.dataset.count()).toBe(1);
  });

  it('builds a cached OpenAI-compatible embedder and a chat enhancer, and says which in its log line', async () => {
    const dir = tempDir();
    const api = await embeddingsApi(8);
    const { runtime, log } = await open(
      config(
        [
          ...['--embedding-url', api.url, '--embedding-model', 'fake-embed', '--embedding-dimensions', '8', '--embedding-api-key', 'embed-key'],
          ...['--llm-url', 'http://127.0.0.1:9/v1', '--llm-model', 'fake-chat', '--llm-api-key', 'chat-key'],
          '--allow-private-urls',
          '--read-only',
        ],
        dir,
      ),
    );
    expect(runtime.embedder).toBeInstanceOf(CachedEmbedder);
    expect([runtime.embedder.id, runtime.embedder.dimensions]).toEqual(['openai:fake-embed:8', 8]);
    const [vector] = await runtime.embedder.embed(['four']);
    // The API's vector for a 4-character text, as it sent it.
    expect(Array.from(vector!, (value) => Math.round(value * 100))).toEqual([5, 6, 7, 8, 9, 10, 11, 12]);
    expect(api.headers.map((headers) => headers.authorization)).toEqual(['Bearer embed-key']);
    // The cache answers a repeated text without another request.
    await runtime.embedder.embed(['four']);
    expect(api.headers).toHaveLength(1);
    expect(runtime.serverOptions.enhancer).toBeInstanceOf(OpenAIChatEnhancer);
    expect(runtime.serverOptions.enhancer!.id).toBe('openai-chat:fake-chat');
    expect(runtime.serverOptions).toMatchObject({ readOnly: true, allowPrivateUrls: true, llm: { kind: 'openai', model: 'fake-chat', apiKey: 'chat-key' } });
    expect(log()).toContain('embedder openai:fake-embed:8, enhancer openai-chat:fake-chat, private URLs allowed, read-only');
  });

  it('sends no Authorization header when no API key is configured', async () => {
    const dir = tempDir();
    const api = await embeddingsApi(4);
    const { runtime } = await open(config(['--embedding-url', api.url, '--embedding-model', 'm', '--embedding-dimensions', '4', '--llm-url', 'http://127.0.0.1:9/v1', '--llm-model', 'c'], dir));
    await runtime.embedder.embed(['x']);
    expect(api.headers.map((headers) => headers.authorization)).toEqual([undefined]);
    expect(runtime.serverOptions.llm).toEqual({ kind: 'openai', url: 'http://127.0.0.1:9/v1', model: 'c' });
  });

  it('--embedding-timeout-ms reaches the embedder: a tool call against an API slower than it fails with EMBEDDER_FAILED and adds nothing', async () => {
    const dir = tempDir();
    const api = await embeddingsApi(4, 1_000);
    const flags = ['--dataset', 'timeout.duckdb', '--embedding-url', api.url, '--embedding-model', 'slow', '--embedding-dimensions', '4'];
    const { runtime } = await open(config([...flags, '--embedding-timeout-ms', '50', '--embedding-max-retries', '0'], dir));
    const client = await connect(runtime);
    const result = (await client.callTool({ name: 'add_document', arguments: { content: 'too slow to embed' } })) as { isError?: boolean; structuredContent?: any };
    expect(result.isError).toBe(true);
    expect(result.structuredContent.error.code).toBe('EMBEDDER_FAILED');
    expect(result.structuredContent.error.message).toContain('failed after 1 attempt: no complete response within 50 ms');
    // --embedding-max-retries 0: the one attempt was the only request.
    expect(api.bodies).toHaveLength(1);
    expect(await runtime.dataset.count()).toBe(0);
  });

  it("without --embedding-timeout-ms the same slow API is waited for (the embedder's default is 30 s), and the document is added", async () => {
    const dir = tempDir();
    const api = await embeddingsApi(4, 200);
    const { runtime } = await open(config(['--dataset', 'patient.duckdb', '--embedding-url', api.url, '--embedding-model', 'slow', '--embedding-dimensions', '4'], dir));
    const client = await connect(runtime);
    const result = (await client.callTool({ name: 'add_document', arguments: { content: 'slow but in time' } })) as { isError?: boolean };
    expect(result.isError).toBeFalsy();
    expect(api.bodies).toHaveLength(1);
    expect(await runtime.dataset.count()).toBe(1);
  });

  it('--embedding-max-retries reaches the embedder: every timed-out attempt is retried that many times', async () => {
    const dir = tempDir();
    const api = await embeddingsApi(4, 1_000);
    const { runtime } = await open(
      config(['--embedding-url', api.url, '--embedding-model', 'slow', '--embedding-dimensions', '4', '--embedding-timeout-ms', '50', '--embedding-max-retries', '2'], dir),
    );
    await expect(runtime.embedder.embed(['retried'])).rejects.toMatchObject({ code: 'EMBEDDER_FAILED', message: expect.stringContaining('failed after 3 attempts') });
    expect(api.bodies).toHaveLength(3);
  });

  it('--embedding-batch-size and --embedding-concurrency reach the embedder: texts per request, and requests at once', async () => {
    const dir = tempDir();
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const serial = await embeddingsApi(4, 50);
    const flags = (url: string) => ['--embedding-url', url, '--embedding-model', 'm', '--embedding-dimensions', '4', '--embedding-batch-size', '2'];
    const one = await open(config([...flags(serial.url), '--embedding-concurrency', '1'], dir));
    expect(await one.runtime.embedder.embed(texts)).toHaveLength(5);
    expect(serial.bodies.map((body) => body.input)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(serial.maxInFlight).toBe(1);
    // With 3 allowed, all 3 batches go out before the first answer comes back.
    const parallel = await embeddingsApi(4, 500);
    const three = await open(config([...flags(parallel.url), '--embedding-concurrency', '3'], dir));
    expect(await three.runtime.embedder.embed(texts)).toHaveLength(5);
    expect(parallel.bodies.map((body) => (body.input as string[]).length).sort()).toEqual([1, 2, 2]);
    expect(parallel.maxInFlight).toBe(3);
  });

  it('--llm-timeout-ms and --llm-max-retries reach the chat enhancer: a slower API fails with ENHANCER_FAILED after that many attempts', async () => {
    const dir = tempDir();
    const api = await chatApi(1_000);
    const { runtime } = await open(config(['--llm-url', api.url, '--llm-model', 'slow-chat', '--llm-timeout-ms', '50', '--llm-max-retries', '1'], dir));
    await expect(runtime.serverOptions.enhancer!.enhance([enhanceRequest(1)])).rejects.toMatchObject({
      code: 'ENHANCER_FAILED',
      message: expect.stringContaining('failed after 2 attempts: no complete response within 50 ms'),
    });
    expect(api.bodies).toHaveLength(2);
    expect(api.bodies[0]).toMatchObject({ model: 'slow-chat' });
  });

  it('--llm-concurrency reaches the chat enhancer: requests at once across calls', async () => {
    const dir = tempDir();
    const requests = [1, 2, 3].map(enhanceRequest);
    const serial = await chatApi(50);
    const one = await open(config(['--llm-url', serial.url, '--llm-model', 'c', '--llm-concurrency', '1'], dir));
    await Promise.all(requests.map((request) => one.runtime.serverOptions.enhancer!.enhance([request])));
    expect([serial.bodies.length, serial.maxInFlight]).toEqual([3, 1]);
    // Three calls side by side, three allowed: all three requests go out before the first answer comes back.
    const parallel = await chatApi(500);
    const three = await open(config(['--llm-url', parallel.url, '--llm-model', 'c', '--llm-concurrency', '3'], dir));
    await Promise.all(requests.map((request) => three.runtime.serverOptions.enhancer!.enhance([request])));
    expect([parallel.bodies.length, parallel.maxInFlight]).toEqual([3, 3]);
  });

  it('close stops the extraction pool and closes the dataset, so the file can be opened again', async () => {
    const dir = tempDir();
    const serverConfig = config(['--dataset', 'closing.duckdb'], dir);
    const { runtime } = await open(serverConfig);
    await runtime.dataset.add([{ content: 'survives the close' }]);
    await runtime.close();
    await expect(runtime.serverOptions.extractor!.extract({ bytes: new TextEncoder().encode('late'), name: 'late.txt' })).rejects.toMatchObject({ code: 'CLOSED' });
    await expect(runtime.dataset.count()).rejects.toThrow();
    const reopened = await FrameDataset.open({ path: serverConfig.dataset });
    try {
      expect(await reopened.count()).toBe(1);
    } finally {
      await reopened.close();
    }
  });
});
