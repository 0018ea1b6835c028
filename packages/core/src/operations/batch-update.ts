// batch_update: change many records selected by filter or ids: metadata deep-merge, templated content, re-embedding.
import { z } from 'zod';
import { cancelledError, CoreError } from '../errors/core-error.js';
import { type ItemError, toItemError } from '../errors/item-error.js';
import { checkEmbedderFits } from '../embedding/check-embedder.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import { runBatch } from '../engine/batch-handler.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import type { ItemOutcome } from '../engine/item-outcome.js';
import { rolledBackError } from '../engine/rolled-back-error.js';
import { runOperation } from '../engine/run-operation.js';
import { CHUNKING_METADATA_KEY } from '../ingest/chunk-settings.js';
import { parseInput } from '../input/parse-input.js';
import { compileContentTemplate } from '../records/content-template.js';
import { METADATA_FIELD_KEYS } from '../records/metadata-fields.js';
import { type PlannedUpdate, prepareUpdates } from '../records/prepare-updates.js';
import { planUpdates } from '../records/update-plan.js';
import { resolveUpdateTargets } from '../records/update-targets.js';
import { writeUpdates } from '../records/write-updates.js';
import { checkSelection, targetSelectionShape } from '../selection/target-selection.js';

/** Most documents one batch_update may ask for with max_documents; the context's limits may lower it. */
export const MAX_UPDATE_DOCUMENTS = 100_000;

/** What batch_update changes in every selected record. */
export const UpdatesSchema = z
  .strictObject({
    metadata_updates: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        `Deep-merged into each record's metadata: nested objects merge, a null value removes the key, other values replace. ` +
          `Keys that name record fields (${METADATA_FIELD_KEYS.filter((key) => key !== 'uuid').join(', ')}) set those fields instead. ` +
          `A chunked document's chunks get the same changes (record_type aside), in the same transaction.`,
      ),
    content_template: z
      .string()
      .optional()
      .describe(
        'New content rendered per record from {{content}}, {{title}}, {{collection}}, {{context}}, {{uuid}}, {{record_type}} and {{metadata.key.path}}; missing values render empty. ' +
          `A chunked document whose content changes gets new chunks in place of the old, cut with the settings its chunks record in metadata.${CHUNKING_METADATA_KEY} ` +
          "({ size, overlap }; for chunks written without them: the longest chunk's length, overlap 0). " +
          'Example: "{{title}}\\n\\n{{content}}".',
      ),
    regenerate_embeddings: z
      .boolean()
      .optional()
      .describe(
        "Default true: records whose content changes are embedded again (a chunked document's new chunks each, and the document gets their mean). " +
          'false: their now stale vectors are removed instead (new chunks have none). Given alone (true), re-embeds every selected record and its chunks.',
      ),
  })
  .describe('The changes to apply.');

/** The input of batch_update. */
export const BatchUpdateInputSchema = z
  .strictObject({
    ...targetSelectionShape,
    updates: UpdatesSchema,
    max_documents: z
      .int()
      .min(1)
      .max(MAX_UPDATE_DOCUMENTS)
      .default(1000)
      .describe(
        'Safety limit: when more records match, the call fails with MAX_DOCUMENTS_EXCEEDED and changes nothing. Counts the selected documents; chunks that follow them are not counted.',
      ),
    atomic: z
      .boolean()
      .default(true)
      .describe('true: all records change or none (TX_ROLLED_BACK). false: records that fail (e.g. to embed) are listed in errors and the rest change.'),
  })
  .describe(
    'Update many records in one call, in one transaction. Chunks follow their document: the chunks of a selected document change with it ' +
      '(and are not counted or reported on their own); a selection holding a chunk whose document it does not select fails with INVALID_INPUT ' +
      'and changes nothing (add AND parent_id IS NULL to a filter to leave chunks out).',
  );

export type BatchUpdateInput = z.input<typeof BatchUpdateInputSchema>;

/** The result of batch_update. Counts are of selected records; the chunks that follow them have their own counts. */
export interface BatchUpdateResult {
  readonly success: boolean;
  readonly documents_matched: number;
  readonly documents_updated: number;
  readonly documents_failed: number;
  /** One per failed record (`item_index` is its position among the matched records; `uuid` names it). */
  readonly errors: (ItemError & { readonly uuid: string })[];
  /** Requested ids that are not in the dataset. */
  readonly not_found: string[];
  /** Records whose content changed and were embedded again. */
  readonly embeddings_regenerated: number;
  /** Chunks kept and changed along with their document (fields, metadata, or vectors when re-embedding). */
  readonly chunks_updated: number;
  /** Chunks made from changed content, in place of the old ones. */
  readonly chunks_recreated: number;
  /** Chunks of old content removed. */
  readonly chunks_deleted: number;
  readonly progress: ProgressSummary;
}

const READ_BATCH = 500;
const CANCELLED = 'batch_update was cancelled; nothing was changed.';

/**
 * Updates the selected records and keeps the chunks of chunked documents in step: field and metadata changes
 * reach the chunks, and changed content gets new chunks cut with the document's recorded settings. Everything
 * is checked first (selection, template, field values, the max_documents limit), then records are read,
 * re-chunked and re-embedded in batches outside any transaction, then one transaction writes every change;
 * `updated_at` moves. Records (or their chunks) changed by someone else meanwhile fail the call with
 * TX_CONFLICT (retryable), with nothing written.
 */
export async function batchUpdate(input: BatchUpdateInput, context: BatchContext): Promise<BatchUpdateResult> {
  return runOperation('batch_update', context, async (tracker) => {
    const parsed = parseInput(BatchUpdateInputSchema, input, 'batch_update');
    const selection = checkSelection(parsed);
    const { metadata_updates: metadataUpdates, content_template: template, regenerate_embeddings: regenerate } = parsed.updates;
    if (metadataUpdates === undefined && template === undefined && regenerate !== true) {
      throw new CoreError('INVALID_INPUT', 'updates changes nothing: give metadata_updates, content_template, or regenerate_embeddings: true.', {
        data: { field: 'updates' },
      });
    }
    const plan = planUpdates(
      { metadataUpdates, content: template === undefined ? undefined : compileContentTemplate(template), regenerateEmbeddings: regenerate },
      'updates.metadata_updates',
    );
    const { dataset, embedder, signal } = context;
    const limits = resolveLimits(context.limits);
    if (parsed.max_documents > limits.maxUpdateDocuments) {
      throw new CoreError('INVALID_INPUT', `max_documents may be at most ${limits.maxUpdateDocuments} here, got ${parsed.max_documents}.`, {
        data: { field: 'max_documents', limit: limits.maxUpdateDocuments },
      });
    }
    const targets = await dataset.read((reader) => resolveUpdateTargets(reader, selection, parsed.max_documents));
    if (targets.exceeded) {
      throw new CoreError(
        'MAX_DOCUMENTS_EXCEEDED',
        `${targets.total} records match but max_documents is ${parsed.max_documents}; nothing was changed. Narrow the selection or raise max_documents to at least ${targets.total}.`,
        { data: { matched: targets.total, max_documents: parsed.max_documents } },
      );
    }
    const matched = targets.matched;
    const total = matched.length;
    tracker.start(total, `Updating ${total} records`, { hold: true });
    if (plan.mayEmbed && total > 0) checkEmbedderFits(dataset.embeddingInfo, embedder);

    const run = await runBatch<string, PlannedUpdate>({
      items: matched,
      tracker,
      chunkSize: READ_BATCH,
      maxErrors: parsed.atomic ? 0 : undefined,
      signal,
      reportItems: false,
      process: async (ids, start, chunkSignal) =>
        (await prepareUpdates(ids, plan, context, chunkSignal)).map(
          (prepared, i): ItemOutcome<PlannedUpdate> => (prepared.ok ? prepared : { ok: false, error: toItemError(start + i, prepared.cause) }),
        ),
      describe: (done, all) => `Prepared ${done} of ${all} records`,
    });
    if (run.stopped === 'cancelled') throw cancelledError(signal?.reason, CANCELLED);
    const errors = run.outcomes.flatMap((outcome, i) => (outcome !== undefined && !outcome.ok ? [{ ...outcome.error, uuid: matched[i]! }] : []));
    if (parsed.atomic && errors.length > 0) throw rolledBackError(errors, 'record');
    const planned = run.outcomes.flatMap((outcome) => (outcome?.ok ? [outcome.value] : []));

    throwIfCancelled(signal, CANCELLED);
    const written = await dataset.transaction(
      (tx) => writeUpdates(tx, planned, { embeddingModel: embedder.id, writeBatchSize: limits.writeBatchSize, signal, cancelledMessage: CANCELLED }),
      signal === undefined ? {} : { signal },
    );
    tracker.finish(`Updated ${written.updated} records`);
    const positions = new Map(matched.map((id, i) => [id, i]));
    planned.forEach((p) => { tracker.itemSucceeded(positions.get(p.uuid)!, p.uuid); });
    errors.forEach((error) => { tracker.itemFailed(error.item_index, error); });
    return {
      success: errors.length === 0,
      documents_matched: total,
      documents_updated: written.updated,
      documents_failed: errors.length,
      errors,
      not_found: targets.notFound,
      embeddings_regenerated: planned.filter((p) => p.reembedded).length,
      chunks_updated: written.chunksUpdated,
      chunks_recreated: written.chunksCreated,
      chunks_deleted: written.chunksDeleted,
    };
  });
}
