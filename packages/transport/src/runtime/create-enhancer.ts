// The configured enhancer: an OpenAI-compatible chat API, or none (core then uses its built-in extractive enhancer).
import { type Enhancer, OpenAIChatEnhancer } from '@contextframe/core';
import type { LlmConfig } from '../config/server-config.js';

/** Builds the enhancer a configuration names; undefined for the built-in one, which core makes per call. */
export function createEnhancer(config: LlmConfig): Enhancer | undefined {
  if (config.kind === 'builtin') return undefined;
  // The rest of the configuration (model, key, tuning) is the client's own options, by the same names.
  const { kind: _kind, url, ...options } = config;
  return new OpenAIChatEnhancer({ baseUrl: url, ...options });
}
