// Puts tools on an McpServer: listed schemas and annotations, then each call with progress, the budget and the error mapper.
import type { Embedder, FrameDataset } from '@contextframe/dataset';
import type { BatchLimits, Enhancer, FetchPolicy } from '@contextframe/core';
import type { Extractor } from '@contextframe/extract';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorResult } from '../errors/tool-error.js';
import { TransportError } from '../errors/transport-error.js';
import type { Logger } from '../logging/logger.js';
import { McpProgressSink } from '../progress/mcp-progress-sink.js';
import type { ProgressThrottleOptions } from '../progress/progress-throttle.js';
import { advertise, inputJsonSchema, outputJsonSchema } from '../schema/advertised-schema.js';
import type { WorkTracker } from '../server/work-tracker.js';
import type { AnyToolSpec, ToolContext } from './tool-spec.js';

/** What every tool call of one server shares. */
export interface ToolEnvironment {
  readonly dataset: FrameDataset;
  readonly embedder: Embedder;
  readonly limits: BatchLimits;
  readonly logger: Logger;
  readonly readOnly: boolean;
  readonly maxResponseBytes: number;
  readonly progress: ProgressThrottleOptions;
  readonly work: WorkTracker;
  /** Folders file tools (batch_export, batch_import, batch_extract) may touch. */
  readonly allowedRoots?: readonly string[];
  /** batch_enhance's enhancer (default: core's extractive enhancer). */
  readonly enhancer?: Enhancer;
  /** batch_extract's extractor (default: core's, on the calling thread). */
  readonly extractor?: Extractor;
  /** What URLs batch_extract may fetch. */
  readonly fetchPolicy?: FetchPolicy;
}

/** The part of the SDK's request context a tool call uses. */
interface CallExtra {
  readonly signal: AbortSignal;
  readonly _meta?: { readonly progressToken?: string | number } | undefined;
  readonly sendNotification: (notification: {
    method: 'notifications/progress';
    params: { progressToken: string | number; progress: number; total: number; message: string };
  }) => Promise<void>;
}

// Schemas are built once per tool, not once per HTTP session.
const advertised = new WeakMap<AnyToolSpec, { input: ReturnType<typeof advertise>; output: ReturnType<typeof advertise> }>();

function schemasOf(tool: AnyToolSpec) {
  let schemas = advertised.get(tool);
  if (schemas === undefined) {
    schemas = { input: advertise(inputJsonSchema(tool.input, tool.inputRules)), output: advertise(outputJsonSchema(tool.output)) };
    advertised.set(tool, schemas);
  }
  return schemas;
}

/** The success result: structuredContent fitted to the budget, and the same JSON as text for clients without it. */
function successResult(tool: AnyToolSpec, result: object, env: ToolEnvironment): CallToolResult {
  const budget = env.maxResponseBytes;
  let value = result;
  let text = JSON.stringify(value);
  if (Buffer.byteLength(text) > budget && tool.fit !== undefined) {
    value = tool.fit(value, budget);
    text = JSON.stringify(value);
  }
  const bytes = Buffer.byteLength(text);
  if (bytes > budget) {
    // A write already happened: report it even over budget rather than invite a repeat.
    if (tool.writes) env.logger.warn(`${tool.name} result is ${bytes} bytes, over the ${budget}-byte response budget`);
    else {
      return errorResult(
        new TransportError('RESPONSE_TOO_LARGE', `The result is ${bytes} bytes, more than the ${budget}-byte response budget; ask for less (a lower limit, fewer fields).`, {
          data: { bytes, budget },
        }),
        env.logger,
      );
    }
  }
  return { content: [{ type: 'text', text }], structuredContent: value as Record<string, unknown> };
}

// SDK 1.x clients dispatch notifications a microtask late but responses at once, so a response read in the same
// chunk as the last progress notification retires its handler first and the notification is dropped
// (modelcontextprotocol/typescript-sdk#2580). A short pause between the two lets the client take them apart.
const LAST_PROGRESS_GAP_MS = 5;

/** Waits until every progress notification was handed to the transport, then leaves the client a moment. */
async function settle(sink: McpProgressSink | undefined): Promise<void> {
  if (sink === undefined || sink.sent === 0) return;
  await sink.drain();
  await new Promise((resolve) => setTimeout(resolve, LAST_PROGRESS_GAP_MS));
}

/** Runs one call: progress when asked for, cancellation through the request's signal, every failure mapped. */
async function callTool(tool: AnyToolSpec, args: unknown, extra: CallExtra, env: ToolEnvironment): Promise<CallToolResult> {
  const token = extra._meta?.progressToken;
  const sink =
    tool.reportsProgress && token !== undefined
      ? new McpProgressSink(
          (update) => extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...update } }),
          env.logger,
          env.progress,
        )
      : undefined;
  const context: ToolContext = {
    dataset: env.dataset,
    embedder: env.embedder,
    limits: env.limits,
    logger: env.logger,
    readOnly: env.readOnly,
    maxResponseBytes: env.maxResponseBytes,
    signal: extra.signal,
    ...(env.allowedRoots === undefined ? {} : { allowedRoots: env.allowedRoots }),
    ...(env.enhancer === undefined ? {} : { enhancer: env.enhancer }),
    ...(env.extractor === undefined ? {} : { extractor: env.extractor }),
    ...(env.fetchPolicy === undefined ? {} : { fetchPolicy: env.fetchPolicy }),
    ...(sink === undefined ? {} : { progress: sink }),
  };
  const started = performance.now();
  try {
    const result: object = await tool.run(args, context);
    await settle(sink);
    return successResult(tool, result, env);
  } catch (error) {
    await settle(sink);
    return errorResult(error, env.logger);
  } finally {
    const ms = Math.round(performance.now() - started);
    env.logger.debug(`${tool.name} finished`, extra.signal.aborted ? { ms, cancelled: String(extra.signal.reason) } : { ms });
  }
}

/** Registers `tools` on `server`; in read-only mode tools that change the dataset are left out entirely. */
export function registerTools(server: McpServer, tools: readonly AnyToolSpec[], env: ToolEnvironment): void {
  for (const tool of tools) {
    if (env.readOnly && tool.writes) continue;
    const schemas = schemasOf(tool);
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description(env.limits),
        inputSchema: schemas.input,
        outputSchema: schemas.output,
        annotations: tool.annotations,
      },
      // The whole call is tracked, result and last notifications included, so a shutdown never cuts one short.
      (args, extra) => env.work.track(callTool(tool, args, extra as CallExtra, env)),
    );
  }
}
