// The configured embedder: the built-in hash embedder, or an OpenAI-compatible API behind an in-memory cache.
import { CachedEmbedder, type Embedder, HashEmbedder, OpenAIEmbedder } from '@contextframe/dataset';
import type { EmbedderConfig } from '../config/server-config.js';

/** Builds the embedder a configuration names. */
export function createEmbedder(config: EmbedderConfig): Embedder {
  if (config.kind === 'hash') return new HashEmbedder({ dimensions: config.dimensions });
  return new CachedEmbedder(
    new OpenAIEmbedder({
      baseUrl: config.url,
      model: config.model,
      dimensions: config.dimensions,
      ...(config.apiKey === undefined ? {} : { apiKey: config.apiKey }),
      ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
      ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
      ...(config.batchSize === undefined ? {} : { batchSize: config.batchSize }),
      ...(config.maxRetries === undefined ? {} : { maxRetries: config.maxRetries }),
    }),
  );
}
