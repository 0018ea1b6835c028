// What one MCP tool is: its name, description, schemas, annotations and the function that runs it.
import type { BatchContext, BatchLimits } from '@contextframe/core';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import type { JsonSchema } from '../schema/advertised-schema.js';

/** What a running tool gets: core's batch context (dataset, embedder, signal, progress, limits) and more. */
export interface ToolContext extends BatchContext {
  readonly limits: BatchLimits;
  readonly logger: Logger;
  readonly readOnly: boolean;
  readonly maxResponseBytes: number;
}

/** One tool. `run` gets the raw arguments: it (or the core operation it calls) validates them. */
export interface ToolSpec<R extends object = object> {
  readonly name: string;
  readonly title: string;
  /** Shown to agents: what the tool does, its safety rules, an example call. */
  readonly description: (limits: BatchLimits) => string;
  /** The arguments' schema, listed in tools/list. */
  readonly input: z.ZodType;
  /** JSON Schema rules zod cannot state, added to the listed input schema (e.g. exactly one of two fields). */
  readonly inputRules?: JsonSchema;
  /** The success shape of structuredContent. */
  readonly output: z.ZodType;
  readonly annotations: ToolAnnotations;
  /** Changes the dataset: hidden in read-only mode. */
  readonly writes: boolean;
  /** Reports progress when the request carries a progress token. */
  readonly reportsProgress: boolean;
  readonly run: (args: unknown, context: ToolContext) => Promise<R>;
  /** Trims a result to `budget` bytes of JSON, marking what it cut; without it, only the budget check applies. */
  readonly fit?: (result: R, budget: number) => R;
}

/** A tool of any result type, as the registry holds them. */
// biome-ignore lint/suspicious/noExplicitAny: tools of different result types share one registry; each is typed where defined.
export type AnyToolSpec = ToolSpec<any>;

/** Declares a tool; the identity, typed so `run` and `fit` agree on the result type. */
export function defineTool<R extends object>(spec: ToolSpec<R>): ToolSpec<R> {
  return Object.freeze(spec);
}
