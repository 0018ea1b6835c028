// loadConfig: flags, then CONTEXTFRAME_* environment variables, then defaults, validated into a ServerConfig.
import { isAbsolute, resolve } from 'node:path';
import { TransportError } from '../errors/transport-error.js';
import type { LogLevel } from '../logging/logger.js';
import { OPTION_SPECS, type OptionSpec } from './option-specs.js';
import { type AppKind, DEFAULT_MAX_SESSIONS, type EmbedderConfig, type HttpConfig, type LlmConfig, type ServerConfig } from './server-config.js';

/** What the command line asks for: run a server with a configuration, or print help or the version. */
export type ConfigRequest = { readonly action: 'serve'; readonly config: ServerConfig } | { readonly action: 'help' } | { readonly action: 'version' };

export interface LoadConfigOptions {
  /** Which server: HTTP-only options are unknown to stdio. */
  readonly app: AppKind;
  /** Folder relative paths are resolved against (default: process.cwd()). */
  readonly cwd?: string;
}

/** One problem with one option, and where its value came from. */
export interface ConfigIssue {
  readonly option: string;
  readonly message: string;
}

const DEFAULT_DATASET = 'contextframe.duckdb';
const DEFAULT_HASH_DIMENSIONS = 384;

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

interface RawValue {
  readonly values: string[];
  /** `--port` or `CONTEXTFRAME_PORT`: named in error messages. */
  readonly source: string;
}

/** Reads `--name value`, `--name=value`, bare and `--no-` booleans, and repeated list flags. */
function readFlags(argv: readonly string[], specs: ReadonlyMap<string, OptionSpec>, app: AppKind): { raw: Map<string, RawValue>; help: boolean; version: boolean } {
  const raw = new Map<string, RawValue>();
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '-v' || arg === '--version') version = true;
    else if (!arg.startsWith('--')) throw invalid([{ option: arg, message: 'is not an option; options start with -- (see --help)' }]);
    else {
      const eq = arg.indexOf('=');
      let name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1);
      if (!specs.has(name) && name.startsWith('no-') && specs.get(name.slice(3))?.kind === 'boolean' && value === undefined) {
        name = name.slice(3);
        value = 'false';
      }
      const spec = specs.get(name);
      if (spec === undefined) {
        const other = OPTION_SPECS.some((option) => option.name === name);
        throw invalid([{ option: `--${name}`, message: other ? `is not an option of the ${app} server` : 'is not a known option (see --help)' }]);
      }
      if (value === undefined) {
        const next = argv[i + 1];
        if (spec.kind === 'boolean' && (next === undefined || next.startsWith('--'))) value = 'true';
        else if (next === undefined) throw invalid([{ option: `--${name}`, message: `needs a value: --${name} ${spec.placeholder}` }]);
        else value = argv[++i]!;
      }
      const previous = raw.get(name);
      raw.set(name, { values: spec.kind === 'list' && previous !== undefined ? [...previous.values, value] : [value], source: `--${name}` });
    }
  }
  return { raw, help, version };
}

function invalid(issues: readonly ConfigIssue[]): TransportError {
  const lines = issues.map((issue) => `  ${issue.option}: ${issue.message}`).join('\n');
  return new TransportError('CONFIG_INVALID', `Invalid configuration:\n${lines}\nRun with --help to see every option.`, { data: { issues } });
}

/**
 * Builds the configuration of the stdio or HTTP server from command-line flags and `CONTEXTFRAME_*`
 * environment variables (a flag wins over its variable; see OPTION_SPECS and docs/configuration.md). Throws
 * TransportError CONFIG_INVALID naming every bad option and where its value came from.
 */
export function loadConfig(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, options: LoadConfigOptions): ConfigRequest {
  const specs = new Map(OPTION_SPECS.filter((spec) => spec.apps.includes(options.app)).map((spec) => [spec.name, spec]));
  const { raw, help, version } = readFlags(argv, specs, options.app);
  if (help) return { action: 'help' };
  if (version) return { action: 'version' };
  for (const spec of specs.values()) {
    const value = env[spec.env];
    if (!raw.has(spec.name) && value !== undefined && value !== '') raw.set(spec.name, { values: [value], source: spec.env });
  }

  const issues: ConfigIssue[] = [];
  const values = new Map<string, unknown>();
  for (const [name, { values: given, source }] of raw) {
    const spec = specs.get(name)!;
    const parsed = spec.schema.safeParse(spec.kind === 'list' ? given : given[given.length - 1]);
    if (parsed.success) values.set(name, parsed.data);
    else issues.push({ option: source, message: parsed.error.issues.map((issue) => issue.message).join('; ') });
  }
  const get = <T>(name: string): T | undefined => values.get(name) as T | undefined;
  const sourceOf = (name: string): string => raw.get(name)?.source ?? `--${name}`;
  const cwd = options.cwd ?? process.cwd();

  const embedder = embedderConfig(get, sourceOf, issues);
  const llm = llmConfig(get, sourceOf, issues);
  const http = options.app === 'http' ? httpConfig(get, issues) : undefined;
  if (issues.length > 0) throw invalid(issues);

  const dataset = get<string>('dataset') ?? DEFAULT_DATASET;
  const memoryLimit = get<string>('memory-limit');
  return {
    action: 'serve',
    config: {
      dataset: dataset === ':memory:' || isAbsolute(dataset) ? dataset : resolve(cwd, dataset),
      allowedRoots: (get<string[]>('allowed-roots') ?? [cwd]).map((root) => resolve(cwd, root)),
      embedder: embedder!,
      llm: llm!,
      allowPrivateUrls: get<boolean>('allow-private-urls') ?? false,
      ...(memoryLimit === undefined ? {} : { memoryLimit }),
      readOnly: get<boolean>('read-only') ?? false,
      logLevel: get<LogLevel>('log-level') ?? 'info',
      maxResponseBytes: get<number>('max-response-bytes') ?? 1_048_576,
      shutdownGraceSeconds: get<number>('shutdown-grace-seconds') ?? 10,
      ...(http === undefined ? {} : { http }),
    },
  };
}

type Getter = <T>(name: string) => T | undefined;

// The flags that tune an OpenAI-compatible client, by the client setting each one sets.
const EMBEDDING_TUNING = { 'embedding-timeout-ms': 'timeoutMs', 'embedding-concurrency': 'concurrency', 'embedding-batch-size': 'batchSize', 'embedding-max-retries': 'maxRetries' } as const;
const LLM_TUNING = { 'llm-timeout-ms': 'timeoutMs', 'llm-concurrency': 'concurrency', 'llm-max-retries': 'maxRetries' } as const;

/** The given tuning flags as client settings; one not given is left out, so the client keeps its default. */
function tuning<K extends string>(get: Getter, flags: Readonly<Record<string, K>>): Partial<Record<K, number>> {
  const settings: Partial<Record<K, number>> = {};
  for (const [name, setting] of Object.entries(flags)) {
    const value = get<number>(name);
    if (value !== undefined) settings[setting] = value;
  }
  return settings;
}

function embedderConfig(get: Getter, sourceOf: (name: string) => string, issues: ConfigIssue[]): EmbedderConfig | undefined {
  const url = get<string>('embedding-url');
  const model = get<string>('embedding-model');
  const apiKey = get<string>('embedding-api-key');
  const dimensions = get<number>('embedding-dimensions');
  const kind = get<'hash' | 'openai'>('embedder') ?? (url === undefined ? 'hash' : 'openai');
  if (kind === 'hash') {
    const openaiOnly = 'applies to the openai embedder only; set --embedder openai or remove it';
    for (const name of ['embedding-url', 'embedding-model', 'embedding-api-key']) {
      if (get(name) !== undefined) issues.push({ option: sourceOf(name), message: openaiOnly });
    }
    // Without a URL the fix is to name the API; with one, --embedder hash was chosen and the URL is refused above too.
    const tuningMessage = url === undefined ? 'needs --embedding-url: it tunes requests to an OpenAI-compatible embeddings API, and the hash embedder sends none' : openaiOnly;
    for (const name of Object.keys(EMBEDDING_TUNING)) {
      if (get(name) !== undefined) issues.push({ option: sourceOf(name), message: tuningMessage });
    }
    return { kind, dimensions: dimensions ?? DEFAULT_HASH_DIMENSIONS };
  }
  if (url === undefined) issues.push({ option: '--embedding-url', message: 'is required with --embedder openai (e.g. https://api.openai.com/v1)' });
  if (model === undefined) issues.push({ option: '--embedding-model', message: 'is required with --embedder openai (e.g. text-embedding-3-small)' });
  if (dimensions === undefined) issues.push({ option: '--embedding-dimensions', message: "is required with --embedder openai: the model's vector length (e.g. 1536)" });
  if (url === undefined || model === undefined || dimensions === undefined) return undefined;
  return { kind, url, model, dimensions, ...(apiKey === undefined ? {} : { apiKey }), ...tuning(get, EMBEDDING_TUNING) };
}

function llmConfig(get: Getter, sourceOf: (name: string) => string, issues: ConfigIssue[]): LlmConfig | undefined {
  const url = get<string>('llm-url');
  const model = get<string>('llm-model');
  const apiKey = get<string>('llm-api-key');
  if (url === undefined) {
    for (const name of ['llm-model', 'llm-api-key', ...Object.keys(LLM_TUNING)]) {
      if (get(name) !== undefined) issues.push({ option: sourceOf(name), message: 'needs --llm-url (without it the built-in enhancer is used)' });
    }
    return { kind: 'builtin' };
  }
  if (model === undefined) {
    issues.push({ option: '--llm-model', message: 'is required with --llm-url' });
    return undefined;
  }
  return { kind: 'openai', url, model, ...(apiKey === undefined ? {} : { apiKey }), ...tuning(get, LLM_TUNING) };
}

function httpConfig(get: Getter, issues: ConfigIssue[]): HttpConfig {
  const host = get<string>('host') ?? '127.0.0.1';
  const token = get<string>('token');
  if (!isLoopbackHost(host) && token === undefined) {
    issues.push({
      option: '--host',
      message: `listening on ${host} (not loopback) requires a bearer token: set CONTEXTFRAME_TOKEN (or --token) to a secret of at least 16 characters, or listen on 127.0.0.1`,
    });
  }
  const allowedHosts = get<string[]>('allowed-hosts');
  const allowedOrigins = get<string[]>('allowed-origins');
  return {
    host,
    port: get<number>('port') ?? 3000,
    ...(token === undefined ? {} : { token }),
    ...(allowedHosts === undefined ? {} : { allowedHosts }),
    ...(allowedOrigins === undefined ? {} : { allowedOrigins }),
    maxBodyBytes: get<number>('max-body-bytes') ?? 16_777_216,
    sessionIdleSeconds: get<number>('session-idle-seconds') ?? 1_800,
    maxSessions: get<number>('max-sessions') ?? DEFAULT_MAX_SESSIONS,
  };
}
