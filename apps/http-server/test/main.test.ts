// What the built binary does with its command line and signals: --help, --version, a bad option (exit 2), a
// failure to start (exit 1, with the stack), and SIGINT stopping it like SIGTERM.
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { SERVER_INFO } from '@contextframe/transport';
import { describe, expect, it } from 'vitest';
import { MAIN, startHttp, tempDir } from './helpers/http-server.js';

const run = (args: string[], cwd?: string) =>
  spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd, env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });

describe('contextframe-http command line', () => {
  it('prints the usage on --help and exits 0 without starting', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^contextframe MCP server over Streamable HTTP/);
    expect(result.stdout).toContain('Usage: contextframe-http [options]');
    expect(result.stdout).toContain('--port');
    expect(result.stderr).toBe('');
  });

  it('prints the version on --version and exits 0', () => {
    const result = run(['--version']);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${SERVER_INFO.version}\n`, '']);
  });

  it('exits 2 on an invalid option, with the message and no stack trace', () => {
    const result = run(['--port', 'nope']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('contextframe-http: Invalid configuration:\n  --port: must be a whole number\nRun with --help to see every option.\n');
    expect(result.stdout).toBe('');
  });

  it('exits 1 with the stack when it cannot start, here because the port is taken', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const dir = tempDir();
    try {
      const port = (blocker.address() as { port: number }).port;
      const result = run(['--port', String(port), '--dataset', 'blocked.duckdb'], dir.path);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/\ncontextframe-http: Error: listen EADDRINUSE: address already in use 127\.0\.0\.1:\d+\n\s+at /);
      expect(result.stderr).not.toMatch(/listening on/);
    } finally {
      dir.remove();
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('stops on SIGINT like on SIGTERM and exits 0', async () => {
    const dir = tempDir();
    try {
      const server = await startHttp({ cwd: dir.path });
      server.process.kill('SIGINT');
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toMatch(/shutting down \(SIGINT\), 0 call\(s\) running/);
      expect(server.stderr()).toMatch(/stopped/);
    } finally {
      dir.remove();
    }
  });
});
