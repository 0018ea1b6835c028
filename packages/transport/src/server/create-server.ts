// createServer: an McpServer with contextframe's tools over one dataset and embedder.
import { type BatchLimits, type Enhancer, resolveLimits } from '@contextframe/core';
import type { Embedder, FrameDataset } from '@contextframe/dataset';
import type { Extractor } from '@contextframe/extract';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { LlmConfig } from '../config/server-config.js';
import { type Logger, silentLogger } from '../logging/logger.js';
import type { ProgressThrottleOptions } from '../progress/progress-throttle.js';
import { BATCH_TOOLS } from '../tools/batch/batch-tools.js';
import { DOCUMENT_TOOLS } from '../tools/document-tools.js';
import { registerTools } from '../tools/register-tools.js';
import type { AnyToolSpec } from '../tools/tool-spec.js';
import { WorkTracker } from './work-tracker.js';

/** The server's name and version in the MCP handshake. */
export const SERVER_INFO = Object.freeze({ name: 'contextframe', version: '0.1.0' });

/** Default size budget of one tool result: 1 MiB of JSON text. */
export const DEFAULT_MAX_RESPONSE_BYTES = 1_048_576;

/** Every tool, batch tools first. */
export const TOOLS: readonly AnyToolSpec[] = [...BATCH_TOOLS, ...DOCUMENT_TOOLS];

const INSTRUCTIONS =
  'contextframe is a document dataset (DuckDB) with hybrid search. Start with dataset_info. For more than one item use the batch_* ' +
  'tools: one call replaces many, runs in one transaction (atomic by default), reports progress and can be cancelled. batch_delete is a ' +
  'dry run unless dry_run is false. Errors come back with isError and structuredContent.error.code (e.g. FILTER_SYNTAX, ' +
  'CONFIRM_COUNT_MISMATCH, TX_ROLLED_BACK); the message says what to fix.';

export interface ServerOptions {
  readonly dataset: FrameDataset;
  readonly embedder: Embedder;
  /** Hide every tool that changes the dataset (default false). */
  readonly readOnly?: boolean;
  /** Size budget of one tool result in bytes of JSON (default 1 MiB); bigger results are trimmed and marked. */
  readonly maxResponseBytes?: number;
  /** Ceilings of the batch engine (core's DEFAULT_LIMITS fill the rest). */
  readonly limits?: Partial<BatchLimits>;
  /** Where errors' causes and diagnostics go (default: nowhere). Never stdout. */
  readonly logger?: Logger;
  /** How often progress notifications are sent. */
  readonly progress?: ProgressThrottleOptions;
  /** Counts running tool calls for a graceful shutdown; servers of one process may share one. */
  readonly work?: WorkTracker;
  /** Folders file tools may touch: batch_export writes and batch_import reads only under them (default: the working directory). */
  readonly allowedRoots?: readonly string[];
  /** Let URL-fetching tools reach private and loopback addresses (default false; for batch_extract). */
  readonly allowPrivateUrls?: boolean;
  /** The configured LLM, for dataset_info; batch_enhance uses `enhancer`. */
  readonly llm?: LlmConfig;
  /** What batch_enhance enhances with (default: the built-in extractive enhancer over the dataset). */
  readonly enhancer?: Enhancer;
  /**
   * What batch_extract turns bytes into text with. Default: extraction on the calling thread; servers should
   * pass a WorkerPoolExtractor (openRuntime does), which bounds each extraction's time in a worker thread.
   */
  readonly extractor?: Extractor;
}

/** The names of the tools a server lists. */
export function toolNames(options: { readonly readOnly?: boolean } = {}): string[] {
  return TOOLS.filter((tool) => !(options.readOnly && tool.writes)).map((tool) => tool.name);
}

/**
 * An McpServer with every contextframe tool registered (only the read tools when `readOnly`). Connect it to
 * one transport; for several clients (HTTP sessions) create one server per session over the same dataset.
 */
export function createServer(options: ServerOptions): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  registerTools(server, TOOLS, {
    dataset: options.dataset,
    embedder: options.embedder,
    limits: resolveLimits(options.limits),
    logger: options.logger ?? silentLogger,
    readOnly: options.readOnly ?? false,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    progress: options.progress ?? {},
    work: options.work ?? new WorkTracker(),
    ...(options.allowedRoots === undefined ? {} : { allowedRoots: options.allowedRoots }),
    ...(options.enhancer === undefined ? {} : { enhancer: options.enhancer }),
    ...(options.extractor === undefined ? {} : { extractor: options.extractor }),
    fetchPolicy: { allowPrivate: options.allowPrivateUrls ?? false },
  });
  return server;
}
