// The objects a server runs on, built from its configuration: the dataset, the embedder, the server options.
import { type Embedder, FrameDataset } from '@contextframe/dataset';
import { WorkerPoolExtractor } from '@contextframe/extract';
import type { ServerConfig } from '../config/server-config.js';
import type { Logger } from '../logging/logger.js';
import type { ServerOptions } from '../server/create-server.js';
import { WorkTracker } from '../server/work-tracker.js';
import { createEmbedder } from './create-embedder.js';
import { createEnhancer } from './create-enhancer.js';

/** An open dataset and everything createServer needs; `close` closes the dataset once running work settled. */
export interface Runtime {
  readonly dataset: FrameDataset;
  readonly embedder: Embedder;
  /** Options for createServer (and serveStdio / startHttpServer), sharing one work tracker. */
  readonly serverOptions: ServerOptions & { readonly work: WorkTracker };
  close(): Promise<void>;
}

/**
 * Opens (or creates) the configured dataset and builds the embedder, the enhancer and a pool of extraction
 * worker threads (each extraction time-limited, so a hostile file cannot stall the server).
 */
export async function openRuntime(config: ServerConfig, logger: Logger): Promise<Runtime> {
  const embedder = createEmbedder(config.embedder);
  const enhancer = createEnhancer(config.llm);
  const dataset = await FrameDataset.open({ path: config.dataset, ...(config.memoryLimit === undefined ? {} : { memoryLimit: config.memoryLimit }) });
  // Workers start on first use, so a server that never extracts pays nothing for the pool.
  const extractor = new WorkerPoolExtractor();
  logger.info(
    `dataset ${config.dataset}, embedder ${embedder.id}, enhancer ${enhancer?.id ?? 'extractive'}${config.allowPrivateUrls ? ', private URLs allowed' : ''}${config.readOnly ? ', read-only' : ''}`,
  );
  return {
    dataset,
    embedder,
    serverOptions: {
      dataset,
      embedder,
      readOnly: config.readOnly,
      maxResponseBytes: config.maxResponseBytes,
      logger,
      work: new WorkTracker(),
      allowedRoots: config.allowedRoots,
      allowPrivateUrls: config.allowPrivateUrls,
      llm: config.llm,
      ...(enhancer === undefined ? {} : { enhancer }),
      extractor,
    },
    close: async () => {
      await extractor.close();
      await dataset.close();
    },
  };
}
