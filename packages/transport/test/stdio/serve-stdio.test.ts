// serveStdio over in-process streams in place of stdin/stdout, with the SDK's real Client on the other end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { type Embedder, FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, serveStdio, type StdioServer, WorkTracker } from '../../src/index.js';
import { GatedEmbedder } from '../gated-embedder.js';

/** The client's end of a stdio connection: writes the server's stdin, reads its stdout; closing ends stdin. */
class StreamClientTransport implements Transport {
  readonly #buffer = new ReadBuffer();
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  constructor(
    private readonly toServer: PassThrough,
    private readonly fromServer: PassThrough,
  ) {}

  async start(): Promise<void> {
    this.fromServer.on('data', (chunk: Buffer) => {
      this.#buffer.append(chunk);
      for (let message = this.#buffer.readMessage(); message !== null; message = this.#buffer.readMessage()) this.onmessage?.(message);
    });
  }

  async send(message: JSONRPCMessage): Promise<void> {
    this.toServer.write(serializeMessage(message));
  }

  async close(): Promise<void> {
    this.toServer.end();
    this.onclose?.();
  }
}

interface Served {
  readonly server: StdioServer;
  readonly client: Client;
  readonly dataset: FrameDataset;
  readonly work: WorkTracker;
  /** Everything the server wrote to its stdout. */
  stdout(): string;
  log(): string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(options: { embedder?: Embedder; graceMs?: number } = {}): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-transport-stdio-'));
  const dataset = await FrameDataset.open({ path: join(dir, 'stdio.duckdb') });
  const work = new WorkTracker();
  let log = '';
  const logger = createLogger({ level: 'debug', name: 'stdio-test', stream: { write: (text: string) => (log += text) } });
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  let written = '';
  stdout.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
  const server = await serveStdio({
    server: { dataset, embedder: options.embedder ?? new HashEmbedder({ dimensions: 64 }), work, logger },
    logger,
    graceMs: options.graceMs ?? 5_000,
    stdin,
    stdout,
  });
  const client = new Client({ name: 'stdio-test', version: '1.0.0' });
  await client.connect(new StreamClientTransport(stdin, stdout));
  cleanups.push(async () => {
    await client.close();
    await server.shutdown('test over');
    await work.idle();
    await dataset.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { server, client, dataset, work, stdout: () => written, log: () => log };
}

describe('serveStdio', () => {
  it('serves a client over the streams it is given, writing only JSON-RPC to stdout, until stdin ends', async () => {
    const s = await serve();
    expect((await s.client.listTools()).tools.map((tool) => tool.name)).toContain('batch_add');
    const added = await s.client.callTool({ name: 'add_document', arguments: { content: 'over stdio' } });
    expect(added.isError).toBeFalsy();
    expect(s.log()).toMatch(/info stdio-test: serving MCP over stdio/);

    await s.client.close();
    await s.server.closed;
    expect(s.log()).toMatch(/info stdio-test: shutting down \(stdin closed\), 0 call\(s\) running/);
    const lines = s.stdout().split('\n').filter((line) => line !== '');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
    expect(await s.dataset.count()).toBe(1);
  });

  it('lets a running call finish within the grace period when asked to shut down', async () => {
    const embedder = new GatedEmbedder();
    const s = await serve({ embedder, graceMs: 60_000 });
    const call = s.client.callTool({ name: 'batch_add', arguments: { documents: [{ content: 'finished during shutdown' }] } });
    await embedder.started;
    const stopping = s.server.shutdown('SIGTERM');
    expect(s.server.shutdown('again')).toBe(stopping);
    embedder.release();
    expect((await call).structuredContent).toMatchObject({ success: true, documents_added: 1 });
    await stopping;
    await s.server.closed;
    expect(s.log()).toMatch(/info stdio-test: shutting down \(SIGTERM\), 1 call\(s\) running/);
    expect(s.log()).not.toMatch(/shutting down \(again\)|cancelling/);
    expect(await s.dataset.count()).toBe(1);
  });

  it('cancels a call still running when the grace period ends, and the call rolls back', async () => {
    const embedder = new GatedEmbedder();
    const s = await serve({ embedder, graceMs: 0 });
    await s.dataset.add([{ content: 'kept' }]);
    const call = s.client.callTool({ name: 'batch_add', arguments: { documents: [{ content: 'rolled back' }] } }).then(
      () => 'answered',
      () => 'failed',
    );
    await embedder.started;
    await s.server.shutdown('SIGINT');
    await s.server.closed;
    expect(embedder.aborts).toBe(1);
    expect(s.work.size).toBe(0);
    expect(s.log()).toMatch(/warn stdio-test: cancelling 1 call\(s\) still running after 0 ms/);
    expect(s.log()).not.toMatch(/did not stop/);
    await s.client.close();
    expect(await call).toBe('failed');
    expect(await s.dataset.count()).toBe(1);
  });

  it('stops after a bounded wait when a call ignores cancellation, and logs it', async () => {
    const embedder = new GatedEmbedder({ ignoreAbort: true });
    const s = await serve({ embedder, graceMs: 0 });
    const call = s.client.callTool({ name: 'batch_add', arguments: { documents: [{ content: 'stubborn' }] } }).then(
      () => 'answered',
      () => 'failed',
    );
    await embedder.started;
    await s.server.shutdown('SIGTERM');
    await s.server.closed;
    expect(embedder.aborts).toBe(1);
    expect(s.work.size).toBe(1);
    expect(s.log()).toMatch(/error stdio-test: 1 call\(s\) did not stop after cancellation/);
    await s.client.close();
    expect(await call).toBe('failed');
    embedder.release();
    await s.work.idle();
    expect(await s.dataset.count()).toBe(0);
  });
});
