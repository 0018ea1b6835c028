// The validated configuration both servers run with (see loadConfig for where each value comes from).
import type { LogLevel } from '../logging/logger.js';

/** How an OpenAI-compatible client sends its requests; each setting left out keeps the client's own default. */
export interface OpenAIClientTuning {
  /** Limit for one request, in ms. */
  readonly timeoutMs?: number;
  /** Requests in flight at once. */
  readonly concurrency?: number;
  /** Retries after a 408, 429, 5xx, network error or timeout. */
  readonly maxRetries?: number;
}

/** Which embedder turns texts into vectors. */
export type EmbedderConfig =
  | { readonly kind: 'hash'; readonly dimensions: number }
  | ({
      readonly kind: 'openai';
      readonly url: string;
      readonly model: string;
      readonly apiKey?: string;
      readonly dimensions: number;
      /** Texts per request; left out, the embedder's default. */
      readonly batchSize?: number;
    } & OpenAIClientTuning);

/** Which LLM batch_enhance uses: the built-in extractive enhancer, or an OpenAI-compatible chat API. */
export type LlmConfig =
  | { readonly kind: 'builtin' }
  | ({ readonly kind: 'openai'; readonly url: string; readonly model: string; readonly apiKey?: string } & OpenAIClientTuning);

/** Settings only the HTTP server has. */
export interface HttpConfig {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  /** Bearer token every request must carry; required when `host` is not a loopback address. */
  readonly token?: string;
  /** Host header values accepted (DNS-rebinding protection); default: the loopback names with the port. */
  readonly allowedHosts?: readonly string[];
  /** Origin header values accepted; default: http:// plus each allowed host. Requests without Origin pass. */
  readonly allowedOrigins?: readonly string[];
  readonly maxBodyBytes: number;
  readonly sessionIdleSeconds: number;
  /** Most sessions open at once (default DEFAULT_MAX_SESSIONS); a new one beyond it gets 503. */
  readonly maxSessions?: number;
}

/** Default of HttpConfig.maxSessions. */
export const DEFAULT_MAX_SESSIONS = 100;

/** Everything the servers are configured with, validated; paths are absolute. */
export interface ServerConfig {
  readonly dataset: string;
  readonly allowedRoots: readonly string[];
  readonly embedder: EmbedderConfig;
  readonly llm: LlmConfig;
  readonly allowPrivateUrls: boolean;
  /** DuckDB's memory limit, e.g. `512MB`; absent: DuckDB's default. */
  readonly memoryLimit?: string;
  readonly readOnly: boolean;
  readonly logLevel: LogLevel;
  readonly maxResponseBytes: number;
  readonly shutdownGraceSeconds: number;
  /** Present for the HTTP server only. */
  readonly http?: HttpConfig;
}

/** Which server a configuration is for: HTTP takes extra options. */
export type AppKind = 'stdio' | 'http';
