// What the built binary does with its command line and signals: --help, --version, a bad option (exit 2), a
// failure to start (exit 1, with the stack), and SIGTERM or SIGINT stopping it while stdin is still open.
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SERVER_INFO } from '@contextframe/transport';
import { describe, expect, it } from 'vitest';
import { assertBuilt, MAIN, tempDir } from './helpers/stdio-server.js';

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

const run = (args: string[], cwd?: string) =>
  spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', cwd, input: '', env: { PATH: process.env.PATH ?? '' }, timeout: 30_000 });

describe('contextframe-stdio command line', () => {
  it('prints the usage on --help and exits 0 without starting', () => {
    assertBuilt();
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: contextframe-stdio [options]');
    expect(result.stdout).toContain('--dataset');
    expect(result.stdout).not.toContain('--port');
    expect(result.stderr).toBe('');
  });

  it('prints the version on --version and exits 0', () => {
    const result = run(['--version']);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${SERVER_INFO.version}\n`, '']);
  });

  it('exits 2 on an invalid option, with the message and no stack trace, and writes nothing to stdout', () => {
    const result = run(['--port', '3000']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('contextframe-stdio: Invalid configuration:\n  --port: is not an option of the stdio server\nRun with --help to see every option.\n');
    expect(result.stdout).toBe('');
  });

  it('exits 2 when an API tuning flag is given without the API, naming the flag and the URL it needs', () => {
    const result = run(['--embedding-timeout-ms', '300000', '--llm-concurrency', '2']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      'contextframe-stdio: Invalid configuration:\n' +
        '  --embedding-timeout-ms: needs --embedding-url: it tunes requests to an OpenAI-compatible embeddings API, and the hash embedder sends none\n' +
        '  --llm-concurrency: needs --llm-url (without it the built-in enhancer is used)\n' +
        'Run with --help to see every option.\n',
    );
    expect(result.stdout).toBe('');
  });

  it('exits 1 with the stack when it cannot open the dataset', () => {
    const dir = tempDir();
    try {
      // A file where the dataset's folder should be.
      writeFileSync(join(dir.path, 'taken'), 'not a folder');
      const result = run(['--dataset', join(dir.path, 'taken', 'data.duckdb')], dir.path);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^contextframe-stdio: Error: .*\n\s+at /);
      expect(result.stderr).toContain(join(dir.path, 'taken'));
      expect(result.stdout).toBe('');
    } finally {
      dir.remove();
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`stops on ${signal} while stdin is open and exits 0`, async () => {
      const dir = tempDir();
      try {
        const child = spawn(process.execPath, [MAIN, '--dataset', join(dir.path, 'signal.duckdb')], { cwd: dir.path, stdio: ['pipe', 'pipe', 'pipe'] });
        let stderr = '';
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
        // An answer to initialize means the server is up, its signal handlers installed.
        const answered = new Promise<void>((resolve, reject) => {
          child.stdout.on('data', () => stdout.includes('\n') && resolve());
          void exited.then((code) => reject(new Error(`exited with ${code} before answering:\n${stderr}`)));
        });
        child.stdin.write(`${JSON.stringify(INITIALIZE)}\n`);
        await answered;
        child.kill(signal);
        expect(await exited).toBe(0);
        expect(stderr).toMatch(new RegExp(`shutting down \\(${signal}\\), 0 call\\(s\\) running`));
        expect(stderr).toMatch(/stopped/);
        expect(JSON.parse(stdout)).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: SERVER_INFO } });
        child.stdin.end();
      } finally {
        dir.remove();
      }
    });
  }
});
