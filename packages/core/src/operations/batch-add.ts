// batch_add: many documents in one call, optionally chunked and embedded, all-or-nothing by default.
import { z } from 'zod';
import { CoreError } from '../errors/core-error.js';
import type { ItemError } from '../errors/item-error.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import { runOperation } from '../engine/run-operation.js';
import { DocumentInputSchema } from '../ingest/document-input.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import { parseInput } from '../input/parse-input.js';

/** Most documents the schema admits; the context's `limits.maxAddDocuments` may lower it. */
export const MAX_ADD_DOCUMENTS = 100_000;

/** The settings shared by every document of a batch_add. */
export const SharedSettingsSchema = z
  .strictObject({
    generate_embeddings: z.boolean().default(true).describe('Embed each document (and each chunk) with the configured embedder.'),
    collection: z.string().optional().describe('Collection for documents whose metadata names none.'),
    chunk_size: z
      .int()
      .min(1)
      .max(1_000_000)
      .optional()
      .describe(
        "Split each document into chunks of at most this many characters: the document is stored whole (record_type 'document') plus one record per chunk (record_type 'chunk', parent_id = the document's uuid, chunk_index).",
      ),
    chunk_overlap: z.int().min(0).optional().describe('Characters repeated between neighbouring chunks; less than chunk_size. Default 0.'),
  })
  .describe('Settings applied to every document.');

/** The input of batch_add. */
export const BatchAddInputSchema = z
  .strictObject({
    documents: z.array(DocumentInputSchema).min(1).max(MAX_ADD_DOCUMENTS).describe('The documents to add, each { content, metadata }.'),
    shared_settings: SharedSettingsSchema.prefault({}),
    atomic: z
      .boolean()
      .default(true)
      .describe('true: all documents are added or none (any failure fails the call with TX_ROLLED_BACK). false: good documents are added and failed ones listed in errors.'),
    max_parallel: z.int().min(1).max(16).default(4).describe('Chunks of documents embedded at the same time.'),
    max_errors: z.int().min(0).optional().describe('With atomic: false, stop after more than this many documents failed (the rest are skipped). Default: never stop.'),
  })
  .describe('Add many documents in one call.');

export type BatchAddInput = z.input<typeof BatchAddInputSchema>;

/** The result of batch_add. `document_ids[i]` is input document i's uuid, or null where it failed. */
export interface BatchAddResult {
  readonly success: boolean;
  readonly atomic: boolean;
  readonly documents_added: number;
  readonly documents_failed: number;
  /** Documents never attempted because the call was cancelled or max_errors was reached (non-atomic only). */
  readonly documents_skipped: number;
  readonly chunks_created: number;
  readonly document_ids: (string | null)[];
  readonly errors: ItemError[];
  /** Set when a non-atomic add stopped early. */
  readonly stopped?: 'cancelled' | 'max_errors';
  readonly progress: ProgressSummary;
}

// Documents are checked one by one inside the operation, so one bad document fails only itself.
const EnvelopeSchema = BatchAddInputSchema.extend({ documents: z.array(z.unknown()).min(1).max(MAX_ADD_DOCUMENTS) });

/**
 * Adds documents. Slow work (chunking, embedding) runs before the write transaction. Atomic (default): every
 * document or none; a failure throws CoreError TX_ROLLED_BACK naming the document, cancellation throws
 * CANCELLED, and the dataset is unchanged either way. Non-atomic: good documents are written chunk by chunk,
 * failures are listed in `errors`, and cancellation or max_errors stops the call early with `stopped` set.
 */
export async function batchAdd(input: BatchAddInput, context: BatchContext): Promise<BatchAddResult> {
  return runOperation('batch_add', context, async (tracker) => {
    const parsed = parseInput(EnvelopeSchema, input, 'batch_add');
    const limits = resolveLimits(context.limits);
    if (parsed.documents.length > limits.maxAddDocuments) {
      throw new CoreError(
        'BATCH_TOO_LARGE',
        `batch_add takes at most ${limits.maxAddDocuments} documents per call, got ${parsed.documents.length}; split them over several calls.`,
        { data: { limit: limits.maxAddDocuments, actual: parsed.documents.length } },
      );
    }
    const shared = parsed.shared_settings;
    if (shared.chunk_overlap !== undefined && shared.chunk_size === undefined) {
      throw new CoreError('INVALID_INPUT', 'shared_settings.chunk_overlap needs shared_settings.chunk_size; set chunk_size or leave chunk_overlap out.', {
        data: { field: 'shared_settings.chunk_overlap' },
      });
    }
    if (shared.chunk_size !== undefined && (shared.chunk_overlap ?? 0) >= shared.chunk_size) {
      throw new CoreError('INVALID_INPUT', `shared_settings.chunk_overlap (${shared.chunk_overlap}) must be less than chunk_size (${shared.chunk_size}).`, {
        data: { field: 'shared_settings.chunk_overlap' },
      });
    }
    const result = await ingestDocuments(
      parsed.documents,
      {
        generateEmbeddings: shared.generate_embeddings,
        collection: shared.collection,
        chunkSize: shared.chunk_size,
        chunkOverlap: shared.chunk_overlap,
      },
      {
        atomic: parsed.atomic,
        maxParallel: Math.min(parsed.max_parallel, limits.maxParallel),
        maxErrors: parsed.atomic ? undefined : parsed.max_errors,
      },
      context,
      tracker,
    );
    if (result.stopped === 'cancelled') tracker.complete({ status: 'cancelled', code: 'CANCELLED' });
    return {
      success: result.failed === 0 && result.skipped === 0,
      atomic: parsed.atomic,
      documents_added: result.added,
      documents_failed: result.failed,
      documents_skipped: result.skipped,
      chunks_created: result.chunksCreated,
      document_ids: result.documentIds,
      errors: result.errors,
      ...(result.stopped === null ? {} : { stopped: result.stopped }),
    };
  });
}
