// Spawns the BUILT stdio server (dist/main.js) and connects the SDK's real Client to it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` (turbo builds before testing in CI).`);
}

/** A temp folder removed by `remove`. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'cf-stdio-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface ToolResult extends CallToolResult {
  readonly structuredContent?: Record<string, any>;
}

export interface StdioSession {
  readonly client: Client;
  readonly transport: StdioClientTransport;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  /** Closes stdin and waits for the server process to exit. */
  close(): Promise<void>;
}

// The test runner's own CONTEXTFRAME_* variables must not leak into the server.
function cleanEnv(env: Record<string, string>): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CONTEXTFRAME_'))) as Record<string, string>;
  return { ...inherited, ...env };
}

/** Starts `node dist/main.js args` in `cwd` and completes the MCP handshake (listing tools, so outputs are validated). */
export async function startStdio(options: { args?: string[]; env?: Record<string, string>; cwd: string }): Promise<StdioSession> {
  assertBuilt();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, ...(options.args ?? [])],
    env: cleanEnv(options.env ?? {}),
    cwd: options.cwd,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = new Client({ name: 'stdio-e2e', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  return {
    client,
    transport,
    stderr: () => stderr,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as ToolResult,
    close: () => client.close(),
  };
}
