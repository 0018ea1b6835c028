// Spawns the BUILT HTTP server (dist/main.js) on a free port and connects the SDK's real Client to it.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

export const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A temp folder removed by `remove`. */
export function tempDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'cf-http-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

// The test runner's own CONTEXTFRAME_* variables must not leak into the server.
function cleanEnv(env: Record<string, string>): Record<string, string> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CONTEXTFRAME_'))) as Record<string, string>;
  return { ...inherited, ...env };
}

export interface RunningServer {
  /** The MCP endpoint the server printed. */
  readonly url: URL;
  readonly process: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code once the process exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM, then wait for the exit. */
  stop(): Promise<number | null>;
}

/** Runs `node dist/main.js --port 0 args` and waits for the "listening on <url>" line on stderr. */
export async function startHttp(options: { args?: string[]; env?: Record<string, string>; cwd: string }): Promise<RunningServer> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`pnpm build\` (turbo builds before testing in CI).`);
  const child = spawn(process.execPath, [MAIN, '--port', '0', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match) resolve(new URL(match[1]!));
    });
    void exited.then((code) => reject(new Error(`server exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export interface ToolResult extends CallToolResult {
  readonly structuredContent?: Record<string, any>;
}

export interface HttpSession {
  readonly client: Client;
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

/** An MCP client over Streamable HTTP, with a bearer token when given; tools are listed so outputs are validated. */
export async function connect(url: URL, token?: string): Promise<HttpSession> {
  const transport = new StreamableHTTPClientTransport(url, token === undefined ? {} : { requestInit: { headers: { authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'http-e2e', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  return {
    client,
    call: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as ToolResult,
    close: async () => {
      await transport.terminateSession().catch(() => {});
      await client.close();
    },
  };
}
