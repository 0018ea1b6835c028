// Shared test fixtures: a real dataset on a temp file, and a real MCP Client connected to createServer in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Embedder, FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { createServer, type ServerOptions } from '../src/index.js';

/** A client talking to a fresh server over a fresh dataset; `close` removes everything. */
export interface Harness {
  readonly client: Client;
  readonly dataset: FrameDataset;
  readonly embedder: Embedder;
  /** Calls a tool and returns its result, typed loosely for assertions. */
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

export interface ToolResult extends CallToolResult {
  readonly structuredContent?: Record<string, any>;
}

export interface HarnessOptions extends Partial<Omit<ServerOptions, 'dataset'>> {
  /** Fault injection: the dataset the server sees, built around the real one. */
  readonly wrapDataset?: (dataset: FrameDataset) => FrameDataset;
}

export async function openHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'cf-transport-test-'));
  const dataset = await FrameDataset.open({ path: join(dir, 'test.duckdb') });
  const embedder = options.embedder ?? new HashEmbedder({ dimensions: 64 });
  const { wrapDataset, ...serverOptions } = options;
  const server = createServer({ ...serverOptions, dataset: wrapDataset?.(dataset) ?? dataset, embedder });
  const client = new Client({ name: 'transport-test', version: '1.0.0' });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(serverTransport), client.connect(clientTransport)]);
  // Listing caches every tool's output schema, so the client validates structuredContent like a real agent's would.
  await client.listTools();
  return {
    client,
    dataset,
    embedder,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as ToolResult,
    close: async () => {
      await client.close();
      await server.close();
      await dataset.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `n` documents with distinct content and a metadata number `n`. */
export function documents(count: number, extra: Record<string, unknown> = {}): { content: string; metadata: Record<string, unknown> }[] {
  return Array.from({ length: count }, (_, n) => ({
    content: `Document ${n} about ${n % 2 === 0 ? 'databases and vectors' : 'cats and gardens'}`,
    metadata: { n, ...extra },
  }));
}
