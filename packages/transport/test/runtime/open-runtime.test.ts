// openRuntime from a configuration loadConfig built: the dataset, the configured embedder and enhancer (real local
// OpenAI-compatible APIs where they talk to one), the extraction pool, and close.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenAIChatEnhancer } from '@contextframe/core';
import { CachedEmbedder, FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { WorkerPoolExtractor } from '@contextframe/extract';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, openRuntime, type Runtime, type ServerConfig } from '../../src/index.js';

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

/** A local OpenAI-compatible embeddings API answering `dimensions`-long vectors; it records each request's headers. */
async function embeddingsApi(dimensions: number): Promise<{ url: string; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    headers.push(req.headers);
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { input } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input: string[] };
      const data = input.map((text, index) => ({ object: 'embedding', index, embedding: Array.from({ length: dimensions }, (_, d) => (text.length + d + 1) / 100) }));
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data, model: 'fake' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, headers };
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
