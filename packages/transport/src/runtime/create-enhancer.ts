// The configured enhancer: an OpenAI-compatible chat API, or none (core then uses its built-in extractive enhancer).
import { type Enhancer, OpenAIChatEnhancer } from '@contextframe/core';
import type { LlmConfig } from '../config/server-config.js';

/** Builds the enhancer a configuration names; undefined for the built-in one, which core makes per call. */
export function createEnhancer(config: LlmConfig): Enhancer | undefined {
  if (config.kind === 'builtin') return undefined;
  return new OpenAIChatEnhancer({
    baseUrl: config.url,
    model: config.model,
    ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
    ...(config.maxRetries === undefined ? {} : { maxRetries: config.maxRetries }),
  });
}
