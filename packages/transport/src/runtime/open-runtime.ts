// The objects a server runs on, built from its configuration: the dataset, the embedder, the server options.
import { type Embedder, FrameDataset } from '@contextframe/dataset';
import type { ServerConfig } from '../config/server-config.js';
import type { Logger } from '../logging/logger.js';
import type { ServerOptions } from '../server/create-server.js';
import { WorkTracker } from '../server/work-tracker.js';
import { createEmbedder } from './create-embedder.js';

/** An open dataset and everything createServer needs; `close` closes the dataset once running work settled. */
export interface Runtime {
  readonly dataset: FrameDataset;
  readonly embedder: Embedder;
  /** Options for createServer (and serveStdio / startHttpServer), sharing one work tracker. */
  readonly serverOptions: ServerOptions & { readonly work: WorkTracker };
  close(): Promise<void>;
}

/** Opens (or creates) the configured dataset and builds the embedder. */
export async function openRuntime(config: ServerConfig, logger: Logger): Promise<Runtime> {
  const embedder = createEmbedder(config.embedder);
  const dataset = await FrameDataset.open({ path: config.dataset });
  logger.info(`dataset ${config.dataset}, embedder ${embedder.id}${config.readOnly ? ', read-only' : ''}`);
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
    },
    close: () => dataset.close(),
  };
}
