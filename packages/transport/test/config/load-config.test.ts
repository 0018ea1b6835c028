import { OPENAI_CHAT_ENHANCER_DEFAULTS, OpenAIChatEnhancer } from '@contextframe/core';
import { OPENAI_EMBEDDER_DEFAULTS, OPENAI_HTTP_LIMITS, OpenAIEmbedder } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';
import { type ConfigRequest, createEmbedder, isTransportError, loadConfig, type ServerConfig } from '../../src/index.js';

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

// The flags tuning the OpenAI-compatible clients, each with the setting it becomes and the range its client accepts.
const EMBEDDING_FLAGS = [
  { name: 'embedding-timeout-ms', setting: 'timeoutMs', min: 1, max: OPENAI_HTTP_LIMITS.maxTimeoutMs },
  { name: 'embedding-concurrency', setting: 'concurrency', min: 1, max: OPENAI_EMBEDDER_DEFAULTS.maxConcurrency },
  { name: 'embedding-batch-size', setting: 'batchSize', min: 1, max: OPENAI_EMBEDDER_DEFAULTS.maxBatchSize },
  { name: 'embedding-max-retries', setting: 'maxRetries', min: 0, max: OPENAI_HTTP_LIMITS.maxRetries },
] as const;
const LLM_FLAGS = [
  { name: 'llm-timeout-ms', setting: 'timeoutMs', min: 1, max: OPENAI_HTTP_LIMITS.maxTimeoutMs },
  { name: 'llm-concurrency', setting: 'concurrency', min: 1, max: OPENAI_CHAT_ENHANCER_DEFAULTS.maxConcurrency },
  { name: 'llm-max-retries', setting: 'maxRetries', min: 0, max: OPENAI_HTTP_LIMITS.maxRetries },
] as const;
const EMBEDDING_API = ['--embedding-url', 'http://127.0.0.1:11434/v1', '--embedding-model', 'nomic-embed-text', '--embedding-dimensions', '768'];
const LLM_API = ['--llm-url', 'http://127.0.0.1:11434/v1', '--llm-model', 'llama3.1'];
const envName = (flag: string): string => `CONTEXTFRAME_${flag.toUpperCase().replaceAll('-', '_')}`;

describe('loadConfig: OpenAI-compatible client tuning', () => {
  it('leaves every tuning setting out when no flag is given, so each client keeps its own defaults', () => {
    const config = serve([...EMBEDDING_API, ...LLM_API]);
    expect(config.embedder).toEqual({ kind: 'openai', url: 'http://127.0.0.1:11434/v1', model: 'nomic-embed-text', dimensions: 768 });
    expect(config.llm).toEqual({ kind: 'openai', url: 'http://127.0.0.1:11434/v1', model: 'llama3.1' });
  });

  for (const { name, setting } of EMBEDDING_FLAGS) {
    it(`--${name} and ${envName(name)} set the embedder's ${setting}, the flag winning, and nothing else`, () => {
      const base = serve(EMBEDDING_API).embedder;
      expect(serve([...EMBEDDING_API, `--${name}`, '7']).embedder).toEqual({ ...base, [setting]: 7 });
      expect(serve(EMBEDDING_API, { [envName(name)]: '9' }).embedder).toEqual({ ...base, [setting]: 9 });
      expect(serve([...EMBEDDING_API, `--${name}=5`], { [envName(name)]: '9' }).embedder).toEqual({ ...base, [setting]: 5 });
      // The LLM is not tuned by an embedding flag.
      expect(serve([...EMBEDDING_API, ...LLM_API, `--${name}`, '7']).llm).toEqual({ kind: 'openai', url: 'http://127.0.0.1:11434/v1', model: 'llama3.1' });
    });
  }

  for (const { name, setting } of LLM_FLAGS) {
    it(`--${name} and ${envName(name)} set the chat enhancer's ${setting}, the flag winning, and nothing else`, () => {
      const base = serve(LLM_API).llm;
      expect(serve([...LLM_API, `--${name}`, '7']).llm).toEqual({ ...base, [setting]: 7 });
      expect(serve(LLM_API, { [envName(name)]: '9' }).llm).toEqual({ ...base, [setting]: 9 });
      expect(serve([...LLM_API, `--${name}`, '5'], { [envName(name)]: '9' }).llm).toEqual({ ...base, [setting]: 5 });
      expect(serve([...EMBEDDING_API, ...LLM_API, `--${name}`, '7']).embedder).toEqual(serve(EMBEDDING_API).embedder);
    });
  }

  it('takes all seven at once, from flags and variables together', () => {
    const config = serve(
      [...EMBEDDING_API, ...LLM_API, '--embedding-timeout-ms', '600000', '--embedding-batch-size', '16', '--llm-concurrency', '1'],
      { CONTEXTFRAME_EMBEDDING_CONCURRENCY: '2', CONTEXTFRAME_EMBEDDING_MAX_RETRIES: '0', CONTEXTFRAME_LLM_TIMEOUT_MS: '900000', CONTEXTFRAME_LLM_MAX_RETRIES: '10' },
    );
    expect(config.embedder).toEqual({
      kind: 'openai',
      url: 'http://127.0.0.1:11434/v1',
      model: 'nomic-embed-text',
      dimensions: 768,
      timeoutMs: 600_000,
      concurrency: 2,
      batchSize: 16,
      maxRetries: 0,
    });
    expect(config.llm).toEqual({ kind: 'openai', url: 'http://127.0.0.1:11434/v1', model: 'llama3.1', timeoutMs: 900_000, concurrency: 1, maxRetries: 10 });
  });

  for (const { name, setting, min, max } of [...EMBEDDING_FLAGS, ...LLM_FLAGS]) {
    const api = name.startsWith('llm-') ? LLM_API : EMBEDDING_API;
    it(`--${name} accepts ${min} to ${max}, as its client does, and refuses values outside or not whole`, () => {
      const settingOf = (config: ServerConfig): unknown => (name.startsWith('llm-') ? config.llm : config.embedder)[setting as never];
      expect(settingOf(serve([...api, `--${name}`, String(min)]))).toBe(min);
      expect(settingOf(serve([...api, `--${name}`, String(max)]))).toBe(max);
      expect(failure([...api, `--${name}`, String(max + 1)]).issues).toEqual([{ option: `--${name}`, message: `must be at most ${max}` }]);
      if (min > 0) expect(failure([...api, `--${name}`, String(min - 1)]).issues).toEqual([{ option: `--${name}`, message: `must be at least ${min}` }]);
      for (const bad of ['2.5', '-1', '1e3', 'ten', '0x10']) {
        expect(failure(api, { [envName(name)]: bad }).issues).toEqual([{ option: envName(name), message: 'must be a whole number' }]);
      }
    });
  }

  it("has the same bounds as the clients themselves: each flag's largest value builds the client, one more does not", () => {
    const embedder = serve([...EMBEDDING_API, ...EMBEDDING_FLAGS.flatMap(({ name, max }) => [`--${name}`, String(max)])]).embedder;
    expect(createEmbedder(embedder).id).toBe('openai:nomic-embed-text:768');
    for (const { setting, max } of EMBEDDING_FLAGS) {
      expect(() => new OpenAIEmbedder({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', dimensions: 4, [setting]: max + 1 })).toThrow(setting);
    }
    const llm = serve([...LLM_API, ...LLM_FLAGS.flatMap(({ name, max }) => [`--${name}`, String(max)])]).llm;
    if (llm.kind !== 'openai') throw new Error('expected the openai LLM');
    const { kind: _kind, url, ...options } = llm;
    expect(new OpenAIChatEnhancer({ baseUrl: url, ...options }).id).toBe('openai-chat:llama3.1');
    for (const { setting, max } of LLM_FLAGS) {
      expect(() => new OpenAIChatEnhancer({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'm', [setting]: max + 1 })).toThrow(setting);
    }
  });

  for (const { name } of EMBEDDING_FLAGS) {
    it(`refuses --${name} with the hash embedder, saying it needs --embedding-url`, () => {
      const { message, issues } = failure([`--${name}`, '3']);
      expect(issues).toEqual([
        { option: `--${name}`, message: 'needs --embedding-url: it tunes requests to an OpenAI-compatible embeddings API, and the hash embedder sends none' },
      ]);
      expect(message).toContain(`--${name}: needs --embedding-url`);
      expect(failure([], { [envName(name)]: '3' }).issues[0]!.option).toBe(envName(name));
    });
  }

  for (const { name } of LLM_FLAGS) {
    it(`refuses --${name} with the built-in enhancer, saying it needs --llm-url`, () => {
      const { message, issues } = failure([`--${name}`, '3']);
      expect(issues).toEqual([{ option: `--${name}`, message: 'needs --llm-url (without it the built-in enhancer is used)' }]);
      expect(message).toContain(`--${name}: needs --llm-url`);
      expect(failure(EMBEDDING_API, { [envName(name)]: '3' }).issues).toEqual([{ option: envName(name), message: expect.stringContaining('needs --llm-url') }]);
    });
  }

  it('with --embedder hash chosen over a URL, refuses the tuning flags as it refuses the URL', () => {
    expect(failure(['--embedder', 'hash', '--embedding-url', 'http://127.0.0.1:11434/v1', '--embedding-concurrency', '2']).issues).toEqual([
      { option: '--embedding-url', message: 'applies to the openai embedder only; set --embedder openai or remove it' },
      { option: '--embedding-concurrency', message: 'applies to the openai embedder only; set --embedder openai or remove it' },
    ]);
  });

  it('with --embedder openai but no URL, asks for the URL and does not refuse the tuning flags', () => {
    const { issues } = failure(['--embedder', 'openai', '--embedding-model', 'm', '--embedding-dimensions', '4', '--embedding-timeout-ms', '60000']);
    expect(issues).toEqual([{ option: '--embedding-url', message: expect.stringContaining('is required with --embedder openai') }]);
  });

  it('names every problem at once: values out of range, and valid values without their URL', () => {
    const { issues } = failure(['--embedding-batch-size', '0', '--llm-max-retries', '11', '--embedding-concurrency', '2', '--llm-timeout-ms', '60000']);
    expect(issues).toEqual([
      { option: '--embedding-batch-size', message: 'must be at least 1' },
      { option: '--llm-max-retries', message: 'must be at most 10' },
      { option: '--embedding-concurrency', message: expect.stringContaining('needs --embedding-url') },
      { option: '--llm-timeout-ms', message: expect.stringContaining('needs --llm-url') },
    ]);
  });
});
