// The configured embedder: the built-in hash embedder, or an OpenAI-compatible API behind an in-memory cache.
import { CachedEmbedder, type Embedder, HashEmbedder, OpenAIEmbedder } from '@contextframe/dataset';
import type { EmbedderConfig } from '../config/server-config.js';

/** Builds the embedder a configuration names. */
export function createEmbedder(config: EmbedderConfig): Embedder {
  if (config.kind === 'hash') return new HashEmbedder({ dimensions: config.dimensions });
  // The rest of the configuration (model, dimensions, key, tuning) is the client's own options, by the same names.
  const { kind: _kind, url, ...options } = config;
  return new CachedEmbedder(new OpenAIEmbedder({ baseUrl: url, ...options }));
}
