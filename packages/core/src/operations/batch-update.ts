// batch_update: change many records selected by filter or ids: metadata deep-merge, templated content, re-embedding.
import type { FrameRecord, RecordPatch, RecordUpdate } from '@contextframe/dataset';
import { z } from 'zod';
import { cancelledError, CoreError } from '../errors/core-error.js';
import { type ItemError, toItemError } from '../errors/item-error.js';
import { checkEmbedderFits } from '../embedding/check-embedder.js';
import { embedGroups } from '../embedding/embed-groups.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import { runBatch } from '../engine/batch-handler.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import type { ItemOutcome } from '../engine/item-outcome.js';
import { rolledBackError } from '../engine/rolled-back-error.js';
import { runOperation } from '../engine/run-operation.js';
import { parseInput } from '../input/parse-input.js';
import { type ContentTemplate, compileContentTemplate } from '../records/content-template.js';
import { mergeMetadata } from '../records/merge-metadata.js';
import { type MetadataFields, METADATA_FIELD_KEYS, splitMetadata } from '../records/metadata-fields.js';
import { checkSelection, countTargets, resolveTargets, targetSelectionShape } from '../selection/target-selection.js';

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
          `Keys that name record fields (${METADATA_FIELD_KEYS.filter((key) => key !== 'uuid').join(', ')}) set those fields instead.`,
      ),
    content_template: z
      .string()
      .optional()
      .describe(
        'New content rendered per record from {{content}}, {{title}}, {{collection}}, {{context}}, {{uuid}}, {{record_type}} and {{metadata.key.path}}; missing values render empty. Example: "{{title}}\\n\\n{{content}}".',
      ),
    regenerate_embeddings: z
      .boolean()
      .optional()
      .describe(
        'Default true: records whose content changes are embedded again. false: their now stale vector is removed instead. Given alone (true), re-embeds every selected record.',
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
      .describe('Safety limit: when more records match, the call fails with MAX_DOCUMENTS_EXCEEDED and changes nothing.'),
    atomic: z
      .boolean()
      .default(true)
      .describe('true: all records change or none (TX_ROLLED_BACK). false: records that fail (e.g. to embed) are listed in errors and the rest change.'),
  })
  .describe('Update many records in one call, in one transaction.');

export type BatchUpdateInput = z.input<typeof BatchUpdateInputSchema>;

/** The result of batch_update. */
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
  readonly progress: ProgressSummary;
}

const READ_BATCH = 500;

/** One record's planned change, checked against its `updated_at` when the transaction writes it. */
interface PlannedUpdate {
  readonly uuid: string;
  readonly patch: RecordPatch;
  readonly updatedAt: string;
  readonly reembedded: boolean;
}

interface UpdatePlan {
  readonly fields: MetadataFields;
  readonly metadata: { [key: string]: unknown } | undefined;
  readonly template: ContentTemplate | undefined;
  /** Re-embed changed content (true) or drop its vector (false). */
  readonly regenerate: boolean;
  /** Re-embed every record, changed or not. */
  readonly reembedAll: boolean;
}

/** Checks the updates before anything is read; a bad template or field fails here, with nothing changed. */
function planUpdates(updates: z.output<typeof UpdatesSchema>): UpdatePlan {
  const { metadata_updates: metadataUpdates, content_template: template, regenerate_embeddings: regenerate } = updates;
  if (metadataUpdates === undefined && template === undefined && regenerate !== true) {
    throw new CoreError('INVALID_INPUT', 'updates changes nothing: give metadata_updates, content_template, or regenerate_embeddings: true.', {
      data: { field: 'updates' },
    });
  }
  if (metadataUpdates !== undefined && 'uuid' in metadataUpdates) {
    throw new CoreError('INVALID_INPUT', 'updates.metadata_updates.uuid: a record\'s uuid cannot change; add a new document instead.', {
      data: { field: 'updates.metadata_updates.uuid' },
    });
  }
  let split;
  try {
    split = metadataUpdates === undefined ? undefined : splitMetadata(metadataUpdates);
  } catch (error) {
    const core = CoreError.from(error);
    throw new CoreError('INVALID_INPUT', `updates.metadata_updates: ${core.message}`, { data: core.data, cause: error });
  }
  return {
    fields: split?.fields ?? {},
    metadata: split === undefined || Object.keys(split.metadata).length === 0 ? undefined : split.metadata,
    template: template === undefined ? undefined : compileContentTemplate(template),
    regenerate: regenerate ?? true,
    reembedAll: regenerate === true && metadataUpdates === undefined && template === undefined,
  };
}

/** The patch for one record, and the content to embed for it (undefined: nothing to embed). */
function patchFor(record: FrameRecord, plan: UpdatePlan): { patch: RecordPatch; embedText: string | undefined; clearVector: boolean } {
  const patch: { -readonly [K in keyof RecordPatch]: RecordPatch[K] } = { ...plan.fields };
  if (plan.metadata !== undefined) patch.metadata = mergeMetadata(record.metadata, plan.metadata);
  const content = plan.template === undefined ? record.content : plan.template(record);
  const changed = content !== record.content;
  if (changed) patch.content = content;
  if (plan.reembedAll || (changed && plan.regenerate)) return { patch, embedText: content, clearVector: false };
  return { patch, embedText: undefined, clearVector: changed };
}

/**
 * Reads a chunk of records and plans each one's change, embedding changed content in one embedder call.
 * Outside any transaction; a record that fails to embed, or vanished since it was selected, fails alone.
 */
async function prepareChunk(
  ids: readonly string[],
  start: number,
  plan: UpdatePlan,
  context: BatchContext,
  signal: AbortSignal | undefined,
): Promise<ItemOutcome<PlannedUpdate>[]> {
  const { dataset, embedder } = context;
  const records = new Map((await dataset.get(ids, { includeEmbedding: false })).map((record) => [record.uuid, record]));
  const entries = ids.map((id) => {
    const record = records.get(id);
    return record === undefined ? undefined : { record, ...patchFor(record, plan) };
  });
  const toEmbed = entries.flatMap((entry, i) => (entry?.embedText === undefined ? [] : [{ i, text: entry.embedText }]));
  // Blank content gets no vector, as in batch_add.
  const groups = toEmbed.map(({ text }) => (text.trim() === '' ? [] : [text]));
  const embedded = groups.length === 0 ? [] : await embedGroups(embedder, groups, signal);
  const vectors = new Map(toEmbed.map(({ i }, k) => [i, embedded[k]!]));
  return ids.map((id, i): ItemOutcome<PlannedUpdate> => {
    const entry = entries[i];
    if (entry === undefined) {
      return { ok: false, error: toItemError(start + i, conflictError(`Record ${id} was deleted while the update was being prepared`)) };
    }
    const vector = vectors.get(i);
    if (vector !== undefined && !vector.ok) return { ok: false, error: toItemError(start + i, vector.error) };
    let patch = entry.patch;
    if (vector?.ok) patch = { ...patch, embedding: vector.vectors[0] ?? null };
    else if (entry.clearVector) patch = { ...patch, embedding: null };
    return { ok: true, value: { uuid: id, patch, updatedAt: entry.record.updated_at, reembedded: vector?.ok === true } };
  });
}

/**
 * Updates the selected records. Everything is checked first (selection, template, field values, the
 * max_documents limit), then records are read and re-embedded in chunks outside any transaction, then one
 * transaction writes every change; `updated_at` moves. Records changed by someone else meanwhile fail the
 * call with TX_CONFLICT (retryable), with nothing written.
 */
export async function batchUpdate(input: BatchUpdateInput, context: BatchContext): Promise<BatchUpdateResult> {
  return runOperation('batch_update', context, async (tracker) => {
    const parsed = parseInput(BatchUpdateInputSchema, input, 'batch_update');
    const selection = checkSelection(parsed);
    const plan = planUpdates(parsed.updates);
    const { dataset, embedder, signal } = context;
    const limits = resolveLimits(context.limits);
    if (parsed.max_documents > limits.maxUpdateDocuments) {
      throw new CoreError('INVALID_INPUT', `max_documents may be at most ${limits.maxUpdateDocuments} here, got ${parsed.max_documents}.`, {
        data: { field: 'max_documents', limit: limits.maxUpdateDocuments },
      });
    }
    const targets = await dataset.read(async (reader) => {
      const resolved = await resolveTargets(reader, selection, parsed.max_documents);
      if (!resolved.exceeded) return resolved;
      const found = await countTargets(reader, selection, resolved);
      throw new CoreError(
        'MAX_DOCUMENTS_EXCEEDED',
        `${found} records match but max_documents is ${parsed.max_documents}; nothing was changed. Narrow the selection or raise max_documents to at least ${found}.`,
        { data: { matched: found, max_documents: parsed.max_documents } },
      );
    });
    const matched = targets.matched;
    const total = matched.length;
    tracker.start(total, `Updating ${total} records`, { hold: true });
    const willEmbed = plan.reembedAll || (plan.template !== undefined && plan.regenerate);
    if (willEmbed && total > 0) checkEmbedderFits(dataset.embeddingInfo, embedder);

    const run = await runBatch<string, PlannedUpdate>({
      items: matched,
      tracker,
      chunkSize: READ_BATCH,
      maxErrors: parsed.atomic ? 0 : undefined,
      signal,
      reportItems: false,
      process: (ids, start, chunkSignal) => prepareChunk(ids, start, plan, context, chunkSignal),
      describe: (done, all) => `Prepared ${done} of ${all} records`,
    });
    if (run.stopped === 'cancelled') throw cancelledError(signal?.reason, 'batch_update was cancelled; nothing was changed.');
    const errors = run.outcomes.flatMap((outcome, i) => (outcome !== undefined && !outcome.ok ? [{ ...outcome.error, uuid: matched[i]! }] : []));
    if (parsed.atomic && errors.length > 0) throw rolledBackError(errors, 'record');
    const planned = run.outcomes.flatMap((outcome) => (outcome?.ok ? [outcome.value] : []));

    throwIfCancelled(signal, 'batch_update was cancelled; nothing was changed.');
    const updated = await dataset.transaction(
      async (tx) => {
        let count = 0;
        for (let i = 0; i < planned.length; i += limits.writeBatchSize) {
          throwIfCancelled(signal, 'batch_update was cancelled; nothing was changed.');
          const slice = planned.slice(i, i + limits.writeBatchSize);
          // Templates and merges were computed from what was read; refuse to overwrite a newer version.
          const current = new Map((await tx.get(slice.map((p) => p.uuid), { includeEmbedding: false })).map((record) => [record.uuid, record]));
          const stale = slice.find((p) => current.get(p.uuid)?.updated_at !== p.updatedAt);
          if (stale !== undefined) throw conflictError(`Nothing was changed: record ${stale.uuid} changed while the update was being prepared`);
          const updates: RecordUpdate[] = slice.map((p) => ({ uuid: p.uuid, patch: p.patch }));
          const result = await tx.update(updates, willEmbed ? { embeddingModel: embedder.id } : {});
          count += result.updated.length;
        }
        return count;
      },
      signal === undefined ? {} : { signal },
    );
    tracker.finish(`Updated ${updated} records`);
    const positions = new Map(matched.map((id, i) => [id, i]));
    planned.forEach((p) => tracker.itemSucceeded(positions.get(p.uuid)!, p.uuid));
    errors.forEach((error) => tracker.itemFailed(error.item_index, error));
    return {
      success: errors.length === 0,
      documents_matched: total,
      documents_updated: updated,
      documents_failed: errors.length,
      errors,
      not_found: targets.notFound,
      embeddings_regenerated: planned.filter((p) => p.reembedded).length,
    };
  });
}

function conflictError(what: string): CoreError {
  return new CoreError('TX_CONFLICT', `${what}; call again to apply the update to the current records.`, { retryable: true });
}
