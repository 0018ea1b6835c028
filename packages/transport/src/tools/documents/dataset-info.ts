// dataset_info: what the dataset holds and how this server is set up to use it.
import { checkEmbedderFits, parseInput } from '@contextframe/core';
import type { CollectionInfo, EmbeddingInfo } from '@contextframe/dataset';
import { z } from 'zod';
import { DatasetInfoOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';

const DatasetInfoInputSchema = z.strictObject({}).describe('No arguments.');

interface DatasetInfoResult {
  readonly records: number;
  readonly documents: number;
  readonly chunks: number;
  readonly with_embeddings: number;
  readonly collections: CollectionInfo[];
  readonly embedding: EmbeddingInfo | null;
  readonly embedder: { readonly id: string; readonly dimensions: number; readonly matches_dataset: boolean };
  readonly enhancer: string;
  readonly private_urls_allowed: boolean;
  readonly schema_version: number;
  readonly read_only: boolean;
  readonly limits: { readonly [name: string]: number };
}

/** dataset_info: counts, collections, embedder, schema version, limits. */
export const datasetInfo = defineTool<DatasetInfoResult>({
  name: 'dataset_info',
  title: 'Dataset info',
  description: () =>
    'Describe the dataset: record, document, chunk and embedded counts, the collections with their counts, the stored vectors\' model and ' +
    'dimensions, the configured embedder (and whether it fits the dataset), the enhancer batch_enhance uses, whether batch_extract may fetch private addresses, the schema version, whether this server is read-only, and the ' +
    'per-call limits. A good first call.\nExample: {}',
  input: DatasetInfoInputSchema,
  output: DatasetInfoOutputSchema,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  writes: false,
  reportsProgress: false,
  run: async (args, context) => {
    parseInput(DatasetInfoInputSchema, args ?? {}, 'dataset_info');
    const { dataset, embedder, limits } = context;
    const { stats, collections } = await dataset.read(async (reader) => ({ stats: await reader.stats(), collections: await reader.collections() }));
    let matches = true;
    try {
      checkEmbedderFits(stats.embedding, embedder);
    } catch {
      matches = false;
    }
    return {
      records: stats.records,
      documents: stats.documents,
      chunks: stats.chunks,
      with_embeddings: stats.with_embeddings,
      collections,
      embedding: stats.embedding,
      embedder: { id: embedder.id, dimensions: embedder.dimensions, matches_dataset: matches },
      enhancer: context.enhancer?.id ?? 'extractive',
      private_urls_allowed: context.fetchPolicy?.allowPrivate ?? false,
      schema_version: stats.schema_version,
      read_only: context.readOnly,
      limits: {
        max_add_documents: limits.maxAddDocuments,
        max_queries: limits.maxQueries,
        max_update_documents: limits.maxUpdateDocuments,
        max_delete_documents: limits.maxDeleteDocuments,
        max_enhance_documents: limits.maxEnhanceDocuments,
        max_response_bytes: context.maxResponseBytes,
      },
    };
  },
});
