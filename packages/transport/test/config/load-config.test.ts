import { describe, expect, it } from 'vitest';
import { type ConfigRequest, isTransportError, loadConfig, type ServerConfig } from '../../src/index.js';

const cwd = '/srv/work';

function serve(argv: string[], env: Record<string, string> = {}, app: 'stdio' | 'http' = 'stdio'): ServerConfig {
  const request: ConfigRequest = loadConfig(argv, env, { app, cwd });
  if (request.action !== 'serve') throw new Error(`expected serve, got ${request.action}`);
  return request.config;
}

function failure(argv: string[], env: Record<string, string> = {}, app: 'stdio' | 'http' = 'stdio'): { message: string; issues: { option: string; message: string }[] } {
  try {
    loadConfig(argv, env, { app, cwd });
  } catch (error) {
    if (!isTransportError(error, 'CONFIG_INVALID')) throw error;
    return { message: error.message, issues: (error.data as { issues: { option: string; message: string }[] }).issues };
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('loadConfig', () => {
  it('defaults to ./contextframe.duckdb, the current folder as the only root, the hash embedder and the built-in enhancer', () => {
    expect(serve([])).toEqual({
      dataset: '/srv/work/contextframe.duckdb',
      allowedRoots: ['/srv/work'],
      embedder: { kind: 'hash', dimensions: 384 },
      llm: { kind: 'builtin' },
      allowPrivateUrls: false,
      readOnly: false,
      logLevel: 'info',
      maxResponseBytes: 1_048_576,
      shutdownGraceSeconds: 10,
    });
  });

  it('gives the HTTP server 127.0.0.1:3000 without a token by default', () => {
    expect(serve([], {}, 'http').http).toEqual({ host: '127.0.0.1', port: 3000, maxBodyBytes: 16_777_216, sessionIdleSeconds: 1_800, maxSessions: 100 });
  });

  it('reads CONTEXTFRAME_* variables, and a flag wins over its variable', () => {
    const config = serve(['--dataset=data/a.duckdb', '--log-level', 'debug'], {
      CONTEXTFRAME_DATASET: '/elsewhere/b.duckdb',
      CONTEXTFRAME_READ_ONLY: 'yes',
      CONTEXTFRAME_ALLOWED_ROOTS: 'docs, /mnt/shared',
      CONTEXTFRAME_LOG_LEVEL: 'error',
    });
    expect(config.dataset).toBe('/srv/work/data/a.duckdb');
    expect(config.readOnly).toBe(true);
    expect(config.allowedRoots).toEqual(['/srv/work/docs', '/mnt/shared']);
    expect(config.logLevel).toBe('debug');
  });

  it('passes a DuckDB memory limit through and refuses one that is not a size', () => {
    expect(serve(['--memory-limit', '512MB']).memoryLimit).toBe('512MB');
    expect(serve([], { CONTEXTFRAME_MEMORY_LIMIT: '2 GiB' }).memoryLimit).toBe('2 GiB');
    expect(serve([]).memoryLimit).toBeUndefined();
    const { issues } = failure(['--memory-limit', 'lots']);
    expect(issues).toEqual([{ option: '--memory-limit', message: 'must be a size such as 512MB or 2GiB' }]);
  });

  it('takes bare, =value and --no- booleans, repeated and comma-separated lists, and :memory:', () => {
    expect(serve(['--read-only']).readOnly).toBe(true);
    expect(serve(['--read-only', '--dataset', ':memory:']).dataset).toBe(':memory:');
    expect(serve(['--read-only=false'], { CONTEXTFRAME_READ_ONLY: 'true' }).readOnly).toBe(false);
    expect(serve(['--no-allow-private-urls'], { CONTEXTFRAME_ALLOW_PRIVATE_URLS: '1' }).allowPrivateUrls).toBe(false);
    expect(serve(['--allowed-roots', 'a,b', '--allowed-roots', '/c']).allowedRoots).toEqual(['/srv/work/a', '/srv/work/b', '/c']);
  });

  it('configures an OpenAI-compatible embedder, inferred from the URL', () => {
    const config = serve([], {
      CONTEXTFRAME_EMBEDDING_URL: 'http://localhost:11434/v1',
      CONTEXTFRAME_EMBEDDING_MODEL: 'nomic-embed-text',
      CONTEXTFRAME_EMBEDDING_DIMENSIONS: '768',
      CONTEXTFRAME_EMBEDDING_API_KEY: 'sk-test',
    });
    expect(config.embedder).toEqual({ kind: 'openai', url: 'http://localhost:11434/v1', model: 'nomic-embed-text', dimensions: 768, apiKey: 'sk-test' });
  });

  it('names every missing setting of the openai embedder at once', () => {
    const { issues } = failure(['--embedder', 'openai']);
    expect(issues.map((issue) => issue.option)).toEqual(['--embedding-url', '--embedding-model', '--embedding-dimensions']);
  });

  it('refuses embedding settings that the hash embedder would ignore', () => {
    expect(failure(['--embedder', 'hash', '--embedding-model', 'x']).issues).toEqual([
      { option: '--embedding-model', message: expect.stringContaining('openai embedder only') },
    ]);
  });

  it('carries an OpenAI-compatible LLM and refuses a model without a URL', () => {
    expect(serve(['--llm-url', 'https://api.example.com/v1', '--llm-model', 'small']).llm).toEqual({ kind: 'openai', url: 'https://api.example.com/v1', model: 'small' });
    expect(failure([], { CONTEXTFRAME_LLM_MODEL: 'small' }).issues[0]!.option).toBe('CONTEXTFRAME_LLM_MODEL');
  });

  it('names the variable a bad value came from, and what it must be', () => {
    const { message, issues } = failure([], { CONTEXTFRAME_PORT: '80a', CONTEXTFRAME_MAX_RESPONSE_BYTES: '10' }, 'http');
    expect(issues).toEqual([
      { option: 'CONTEXTFRAME_MAX_RESPONSE_BYTES', message: 'must be at least 16384' },
      { option: 'CONTEXTFRAME_PORT', message: 'must be a whole number' },
    ]);
    expect(message).toContain('CONTEXTFRAME_PORT: must be a whole number');
    expect(failure(['--embedding-url', 'ftp://x']).issues[0]!.option).toBe('--embedding-url');
  });

  it('refuses to listen off loopback without a token, and accepts it with one', () => {
    expect(failure(['--host', '0.0.0.0'], {}, 'http').issues[0]).toEqual({ option: '--host', message: expect.stringContaining('requires a bearer token') });
    const config = serve(['--host', '0.0.0.0', '--port', '0'], { CONTEXTFRAME_TOKEN: 'a-secret-of-enough-length' }, 'http');
    expect(config.http).toMatchObject({ host: '0.0.0.0', port: 0, token: 'a-secret-of-enough-length' });
    expect(serve(['--host', 'localhost'], {}, 'http').http?.host).toBe('localhost');
    expect(failure(['--token', 'short'], {}, 'http').issues[0]!.message).toBe('must be at least 16 characters');
  });

  it('rejects unknown flags, HTTP flags on the stdio server, positional words and missing values', () => {
    expect(failure(['--bogus']).issues[0]).toEqual({ option: '--bogus', message: 'is not a known option (see --help)' });
    expect(failure(['--port', '3000']).issues[0]).toEqual({ option: '--port', message: 'is not an option of the stdio server' });
    expect(failure(['serve']).issues[0]!.option).toBe('serve');
    expect(failure(['--dataset']).issues[0]!.message).toContain('needs a value');
  });

  it('ignores HTTP variables on the stdio server (one environment may serve both)', () => {
    expect(serve([], { CONTEXTFRAME_PORT: 'not-a-port' }).http).toBeUndefined();
  });

  it('answers --help and --version before validating anything', () => {
    expect(loadConfig(['--port', 'x', '--help'], {}, { app: 'http' })).toEqual({ action: 'help' });
    expect(loadConfig(['--version'], {}, { app: 'stdio' })).toEqual({ action: 'version' });
  });
});
