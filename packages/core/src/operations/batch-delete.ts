// batch_delete: remove many records selected by filter or ids; a dry run by default, with an optional count check.
import type { DatasetTransaction } from '@contextframe/dataset';
import { z } from 'zod';
import { CoreError } from '../errors/core-error.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import type { ProgressTracker } from '../engine/progress-tracker.js';
import { runOperation } from '../engine/run-operation.js';
import { parseInput } from '../input/parse-input.js';
import {
  checkSelection,
  countTargets,
  type ResolvedTargets,
  resolveTargets,
  type SelectionReader,
  type TargetSelection,
  targetSelectionShape,
} from '../selection/target-selection.js';

/** How many ids a dry run lists. */
export const DRY_RUN_LISTED_IDS = 100;

/** The input of batch_delete. */
export const BatchDeleteInputSchema = z
  .strictObject({
    ...targetSelectionShape,
    dry_run: z.boolean().default(true).describe('true (default): only report what would be deleted. false: delete.'),
    confirm_count: z
      .int()
      .min(0)
      .optional()
      .describe(
        'The number of records you expect to delete (from a dry run); if a different number match, the call fails with CONFIRM_COUNT_MISMATCH and deletes nothing.',
      ),
  })
  .describe('Delete many records in one call, in one transaction. Chunks of a deleted document are deleted with it.');

export type BatchDeleteInput = z.input<typeof BatchDeleteInputSchema>;

/** What a dry run would delete. */
export interface BatchDeleteDryRunResult {
  readonly success: boolean;
  readonly dry_run: true;
  readonly documents_to_delete: number;
  /** The first 100 matching uuids. */
  readonly document_ids: string[];
  /** True when more records match than `document_ids` lists. */
  readonly truncated: boolean;
  readonly not_found: string[];
  /** Set when a real delete of this selection would fail (more records than one call may delete). */
  readonly warning?: string;
  readonly progress: ProgressSummary;
}

/** What a real delete removed. */
export interface BatchDeleteRunResult {
  readonly success: boolean;
  readonly dry_run: false;
  /** Selected records that existed and are gone. */
  readonly documents_deleted: number;
  /** Requested ids that were not in the dataset (never counted as deleted). */
  readonly not_found: string[];
  /** Chunks removed because their document was deleted, beyond the selected records. */
  readonly chunks_deleted: number;
  readonly progress: ProgressSummary;
}

export type BatchDeleteResult = BatchDeleteDryRunResult | BatchDeleteRunResult;

function confirmMismatch(expected: number, found: number): CoreError {
  return new CoreError(
    'CONFIRM_COUNT_MISMATCH',
    `confirm_count mismatch: expected ${expected}, found ${found} matching records; nothing was deleted. Run a dry run to see what matches, then confirm that count.`,
    { data: { expected, found } },
  );
}

/** Resolves the selection, enforcing the record limit and confirm_count; throws before anything is deleted. */
async function selectForDelete(
  reader: SelectionReader,
  selection: TargetSelection,
  confirmCount: number | undefined,
  max: number,
): Promise<ResolvedTargets> {
  const resolved = await resolveTargets(reader, selection, max);
  if (resolved.exceeded) {
    const found = await countTargets(reader, selection, resolved);
    throw new CoreError(
      'MAX_DOCUMENTS_EXCEEDED',
      `${found} records match, more than the ${max} one batch_delete may remove; nothing was deleted. Narrow the selection or delete in several calls.`,
      { data: { matched: found, limit: max } },
    );
  }
  const found = resolved.matched.length;
  if (confirmCount !== undefined && confirmCount !== found) throw confirmMismatch(confirmCount, found);
  return resolved;
}

/** Deletes `ids` inside `tx` in batches, reporting progress; returns how many extra chunks went with them. */
async function deleteInBatches(
  tx: DatasetTransaction,
  ids: readonly string[],
  batchSize: number,
  tracker: ProgressTracker,
  signal: AbortSignal | undefined,
): Promise<number> {
  let removed = 0;
  for (let i = 0; i < ids.length; i += batchSize) {
    throwIfCancelled(signal, 'batch_delete was cancelled; nothing was deleted.');
    const result = await tx.delete(ids.slice(i, i + batchSize));
    // A selected chunk whose document went in an earlier batch is not found again: every row counts once.
    removed += result.deleted.length + result.chunksDeleted;
    const done = Math.min(ids.length, i + batchSize);
    tracker.advance(done, `Deleted ${done} of ${ids.length} records`);
  }
  return removed - ids.length;
}

/**
 * Deletes the selected records, or with `dry_run` (the default) reports what would go. Selection, the
 * confirm_count check and the deletes all run in one transaction, so the count confirmed is the count
 * deleted; any failure or cancellation deletes nothing. Chunks of deleted documents are deleted too.
 */
export async function batchDelete(input: BatchDeleteInput, context: BatchContext): Promise<BatchDeleteResult> {
  return runOperation('batch_delete', context, async (tracker): Promise<Omit<BatchDeleteDryRunResult, 'progress'> | Omit<BatchDeleteRunResult, 'progress'>> => {
    const parsed = parseInput(BatchDeleteInputSchema, input, 'batch_delete');
    const selection = checkSelection(parsed);
    const { dataset, signal } = context;
    const limits = resolveLimits(context.limits);
    const max = limits.maxDeleteDocuments;

    if (parsed.dry_run) {
      // A dry run reports the true count even above the limit, so the caller learns how big the selection is.
      const { targets, total } = await dataset.read(async (reader) => {
        const resolved = await resolveTargets(reader, selection, DRY_RUN_LISTED_IDS);
        return { targets: resolved, total: resolved.exceeded ? await countTargets(reader, selection, resolved) : resolved.matched.length };
      });
      if (parsed.confirm_count !== undefined && parsed.confirm_count !== total) throw confirmMismatch(parsed.confirm_count, total);
      tracker.start(total, `Dry run: ${total} records would be deleted`);
      tracker.finish(`Dry run: ${total} records would be deleted`);
      // Nothing was meant to be deleted, so the records not acted on are not "skipped".
      tracker.complete({ status: 'succeeded' });
      return {
        success: true,
        dry_run: true,
        documents_to_delete: total,
        document_ids: targets.matched.slice(0, DRY_RUN_LISTED_IDS),
        truncated: total > DRY_RUN_LISTED_IDS,
        not_found: targets.notFound,
        ...(total > max
          ? { warning: `${total} records match, more than the ${max} one batch_delete may remove: a real delete would fail with MAX_DOCUMENTS_EXCEEDED.` }
          : {}),
      };
    }

    throwIfCancelled(signal, 'batch_delete was cancelled; nothing was deleted.');
    const outcome = await dataset.transaction(
      async (tx) => {
        const targets = await selectForDelete(tx, selection, parsed.confirm_count, max);
        tracker.start(targets.matched.length, `Deleting ${targets.matched.length} records`, { hold: true });
        const chunks = await deleteInBatches(tx, targets.matched, limits.writeBatchSize, tracker, signal);
        return { targets, chunks };
      },
      signal === undefined ? {} : { signal },
    );
    const deleted = outcome.targets.matched;
    tracker.finish(`Deleted ${deleted.length} records`);
    deleted.forEach((id, i) => { tracker.itemSucceeded(i, id); });
    return {
      success: true,
      dry_run: false,
      documents_deleted: deleted.length,
      not_found: outcome.targets.notFound,
      chunks_deleted: outcome.chunks,
    };
  });
}
