// Every configuration option once: its flag, environment variable, type, default and meaning. Parsing and docs both read this.
import { OPENAI_CHAT_ENHANCER_DEFAULTS } from '@contextframe/core';
import { OPENAI_EMBEDDER_DEFAULTS, OPENAI_HTTP_LIMITS } from '@contextframe/dataset';
import { z } from 'zod';
import { LOG_LEVELS } from '../logging/logger.js';
import type { AppKind } from './server-config.js';

/** One option. The flag is `--<name>`; the environment variable is `env`. */
export interface OptionSpec {
  readonly name: string;
  readonly env: string;
  /** Parses the raw text (a list option gets every value given). */
  readonly schema: z.ZodType;
  /** `boolean` options may be given as a bare flag; `list` options may repeat and take commas. */
  readonly kind: 'value' | 'boolean' | 'list';
  readonly placeholder: string;
  /** The default, in words, for the docs. */
  readonly defaultText: string;
  readonly apps: readonly AppKind[];
  readonly description: string;
}

const BOTH: readonly AppKind[] = ['stdio', 'http'];
const HTTP: readonly AppKind[] = ['http'];

const text = z.string().trim().min(1, 'must not be empty');
const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    // The regex already makes it whole, and max is a safe integer: z.int()'s own safe-integer check would only repeat max's message.
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];
const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((value) => TRUE.includes(value) || FALSE.includes(value), 'must be true or false')
  .transform((value) => TRUE.includes(value));
const list = z
  .array(z.string())
  .transform((values) => values.flatMap((value) => value.split(',')).map((value) => value.trim()).filter((value) => value !== ''))
  .pipe(z.array(z.string()).min(1, 'must name at least one value'));
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://localhost:11434/v1' });

// The tuning flags take exactly the range their client accepts (its own bounds, not copies), so a value the
// flags let through never fails later in the client's constructor.
const { defaultConcurrency, maxTimeoutMs, maxRetries, defaultMaxRetries } = OPENAI_HTTP_LIMITS;
const EMBEDDER = OPENAI_EMBEDDER_DEFAULTS;
const ENHANCER = OPENAI_CHAT_ENHANCER_DEFAULTS;
const seconds = (ms: number): string => `\`${ms}\` (${ms / 1000} s)`;
const RETRIED = 'after a 408, 429, 5xx, network error or timeout, with exponential backoff (or as `Retry-After` asks)';

function option(spec: Omit<OptionSpec, 'env' | 'kind'> & { kind?: OptionSpec['kind'] }): OptionSpec {
  return Object.freeze({ kind: 'value', ...spec, env: `CONTEXTFRAME_${spec.name.toUpperCase().replaceAll('-', '_')}` });
}

/** Every option, in the order the docs list them. */
export const OPTION_SPECS: readonly OptionSpec[] = [
  option({
    name: 'dataset',
    schema: text,
    placeholder: '<path>',
    defaultText: '`./contextframe.duckdb`',
    apps: BOTH,
    description: 'The DuckDB dataset file, created (with its folders) on first run. `:memory:` keeps everything in memory.',
  }),
  option({
    name: 'allowed-roots',
    kind: 'list',
    schema: list,
    placeholder: '<dir,...>',
    defaultText: 'the current folder',
    apps: BOTH,
    description: 'Folders that tools reading or writing files (import, extract, export) may touch; comma-separated or repeated.',
  }),
  option({
    name: 'embedder',
    schema: z.enum(['hash', 'openai']),
    placeholder: 'hash|openai',
    defaultText: '`hash` (`openai` when `--embedding-url` is set)',
    apps: BOTH,
    description: 'Built-in offline hashing embedder (lexical, not semantic), or an OpenAI-compatible `/embeddings` API.',
  }),
  option({
    name: 'embedding-url',
    schema: httpUrl,
    placeholder: '<url>',
    defaultText: '-',
    apps: BOTH,
    description: 'API root of the OpenAI-compatible embeddings API, including `/v1` (e.g. `http://localhost:11434/v1`).',
  }),
  option({ name: 'embedding-model', schema: text, placeholder: '<name>', defaultText: '-', apps: BOTH, description: 'Embedding model name (required with `openai`).' }),
  option({
    name: 'embedding-api-key',
    schema: text,
    placeholder: '<key>',
    defaultText: '-',
    apps: BOTH,
    description: 'Sent as a bearer token to the embeddings API. Prefer the environment variable: flags show in process lists.',
  }),
  option({
    name: 'embedding-dimensions',
    schema: integer(1, 65_536),
    placeholder: '<n>',
    defaultText: '384 for `hash`; required for `openai`',
    apps: BOTH,
    description: 'Length of the vectors. A dataset keeps the dimensions (and model) of its first vectors.',
  }),
  option({
    name: 'embedding-timeout-ms',
    schema: integer(1, maxTimeoutMs),
    placeholder: '<ms>',
    defaultText: seconds(EMBEDDER.timeoutMs),
    apps: BOTH,
    description:
      'How long one request to the embeddings API may take (sending, waiting, reading the answer); one that runs out is retried (see `--embedding-max-retries`). Raise it for a slow local model (e.g. Ollama on a CPU). Needs `--embedding-url`.',
  }),
  option({
    name: 'embedding-concurrency',
    schema: integer(1, EMBEDDER.maxConcurrency),
    placeholder: '<n>',
    defaultText: `\`${defaultConcurrency}\``,
    apps: BOTH,
    description: `Requests to the embeddings API in flight at once while one tool call embeds its texts, 1 to ${EMBEDDER.maxConcurrency}; tool calls running side by side add up. Lower it for a rate-limited API. Needs \`--embedding-url\`.`,
  }),
  option({
    name: 'embedding-batch-size',
    schema: integer(1, EMBEDDER.maxBatchSize),
    placeholder: '<n>',
    defaultText: `\`${EMBEDDER.batchSize}\``,
    apps: BOTH,
    description: `Texts per request to the embeddings API, 1 to ${EMBEDDER.maxBatchSize}. Lower it when requests time out or are too large. Needs \`--embedding-url\`.`,
  }),
  option({
    name: 'embedding-max-retries',
    schema: integer(0, maxRetries),
    placeholder: '<n>',
    defaultText: `\`${defaultMaxRetries}\``,
    apps: BOTH,
    description: `Retries of a request to the embeddings API ${RETRIED}, 0 to ${maxRetries}; \`0\` fails at the first error. Needs \`--embedding-url\`.`,
  }),
  option({
    name: 'llm-url',
    schema: httpUrl,
    placeholder: '<url>',
    defaultText: 'the built-in extractive enhancer',
    apps: BOTH,
    description: 'API root of an OpenAI-compatible chat API for `batch_enhance`, including `/v1`.',
  }),
  option({ name: 'llm-model', schema: text, placeholder: '<name>', defaultText: '-', apps: BOTH, description: 'Chat model name (required with `--llm-url`).' }),
  option({
    name: 'llm-api-key',
    schema: text,
    placeholder: '<key>',
    defaultText: '-',
    apps: BOTH,
    description: 'Sent as a bearer token to the chat API. Prefer the environment variable.',
  }),
  option({
    name: 'llm-timeout-ms',
    schema: integer(1, maxTimeoutMs),
    placeholder: '<ms>',
    defaultText: seconds(ENHANCER.timeoutMs),
    apps: BOTH,
    description:
      'How long one request to the chat API may take (sending, waiting, reading the reply); one that runs out is retried (see `--llm-max-retries`). Raise it for a slow local model. Needs `--llm-url`.',
  }),
  option({
    name: 'llm-concurrency',
    schema: integer(1, ENHANCER.maxConcurrency),
    placeholder: '<n>',
    defaultText: `\`${defaultConcurrency}\``,
    apps: BOTH,
    description: `Requests to the chat API in flight at once, across all \`batch_enhance\` calls, 1 to ${ENHANCER.maxConcurrency}. Lower it for a rate-limited API. Needs \`--llm-url\`.`,
  }),
  option({
    name: 'llm-max-retries',
    schema: integer(0, maxRetries),
    placeholder: '<n>',
    defaultText: `\`${defaultMaxRetries}\``,
    apps: BOTH,
    description: `Retries of a request to the chat API ${RETRIED}, 0 to ${maxRetries}; \`0\` fails at the first error. Needs \`--llm-url\`.`,
  }),
  option({
    name: 'allow-private-urls',
    kind: 'boolean',
    schema: boolean,
    placeholder: '',
    defaultText: '`false`',
    apps: BOTH,
    description: 'Let URL-fetching tools reach private, link-local and loopback addresses.',
  }),
  option({
    name: 'memory-limit',
    schema: z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'must be a size such as 512MB or 2GiB'),
    placeholder: '<size>',
    defaultText: "DuckDB's own: 80% of RAM",
    apps: BOTH,
    description:
      "DuckDB's memory limit (`memory_limit`). Above it DuckDB evicts cached blocks and spills to temporary files, so a large import or export runs in bounded memory; the in-memory vector index is separate.",
  }),
  option({
    name: 'read-only',
    kind: 'boolean',
    schema: boolean,
    placeholder: '',
    defaultText: '`false`',
    apps: BOTH,
    description: 'List and run only the tools that do not change the dataset.',
  }),
  option({
    name: 'log-level',
    schema: z.enum(LOG_LEVELS),
    placeholder: 'error|warn|info|debug',
    defaultText: '`info`',
    apps: BOTH,
    description: 'How much goes to stderr (logs never go to stdout).',
  }),
  option({
    name: 'max-response-bytes',
    schema: integer(16_384, 1_073_741_824),
    placeholder: '<bytes>',
    defaultText: '`1048576` (1 MiB)',
    apps: BOTH,
    description: 'Size budget of one tool result as JSON; larger results are trimmed and marked `truncated: true`.',
  }),
  option({
    name: 'shutdown-grace-seconds',
    schema: integer(0, 3_600),
    placeholder: '<s>',
    defaultText: '`10`',
    apps: BOTH,
    description: 'On SIGTERM/SIGINT, how long running calls may finish before they are cancelled (and roll back).',
  }),
  option({
    name: 'host',
    schema: text,
    placeholder: '<address>',
    defaultText: '`127.0.0.1`',
    apps: HTTP,
    description: 'Address to listen on. Any non-loopback address requires `--token`.',
  }),
  option({ name: 'port', schema: integer(0, 65_535), placeholder: '<n>', defaultText: '`3000`', apps: HTTP, description: 'Port to listen on; `0` picks a free one.' }),
  option({
    name: 'token',
    schema: z.string().trim().min(16, 'must be at least 16 characters'),
    placeholder: '<secret>',
    defaultText: 'none (required off loopback)',
    apps: HTTP,
    description: 'Bearer token every `/mcp` request must send (`Authorization: Bearer <token>`). Prefer the environment variable.',
  }),
  option({
    name: 'allowed-hosts',
    kind: 'list',
    schema: list,
    placeholder: '<host:port,...>',
    defaultText: '`127.0.0.1:<port>`, `localhost:<port>`, `[::1]:<port>` and the bound address; any for `0.0.0.0`/`::`',
    apps: HTTP,
    description: 'Host header values accepted (DNS-rebinding protection); others get 403.',
  }),
  option({
    name: 'allowed-origins',
    kind: 'list',
    schema: list,
    placeholder: '<origin,...>',
    defaultText: '`http(s)://` + each allowed host (same host only for `0.0.0.0`/`::`)',
    apps: HTTP,
    description: 'Origin header values accepted; others get 403. Requests without an Origin (non-browser clients) pass.',
  }),
  option({
    name: 'max-body-bytes',
    schema: integer(1_024, 1_073_741_824),
    placeholder: '<bytes>',
    defaultText: '`16777216` (16 MiB)',
    apps: HTTP,
    description: 'Largest request body accepted; larger ones get 413.',
  }),
  option({
    name: 'session-idle-seconds',
    schema: integer(1, 86_400),
    placeholder: '<s>',
    defaultText: '`1800`',
    apps: HTTP,
    description: 'A session with no request for this long (and none running) is closed.',
  }),
  option({
    name: 'max-sessions',
    schema: integer(1, 100_000),
    placeholder: '<n>',
    defaultText: '`100`',
    apps: HTTP,
    description: 'Most MCP sessions open at once; a new client beyond it gets 503 (idle sessions are closed first to make room).',
  }),
];
