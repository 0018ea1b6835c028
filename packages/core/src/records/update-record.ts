// One record's update (update_document) through batch_update's own steps: the same chunk handling, one transaction.
import type { FrameRecord } from '@contextframe/dataset';
import { CoreError, isCoreError } from '../errors/core-error.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import { prepareUpdates } from './prepare-updates.js';
import { planUpdates } from './update-plan.js';
import { resolveUpdateTargets } from './update-targets.js';
import { writeUpdates } from './write-updates.js';

/** One record's changes. */
export interface UpdateRecordInput {
  /** The record's uuid. */
  readonly uuid: string;
  /** The new content, taken literally (no placeholders). */
  readonly content?: string | undefined;
  /** Deep-merged into its metadata; keys naming record fields set those fields. */
  readonly metadataUpdates?: { readonly [key: string]: unknown } | undefined;
  /** Embed changed content again (default true), or drop its stale vectors. */
  readonly regenerateEmbeddings?: boolean | undefined;
}

/** What updateRecord did. */
export interface UpdateRecordResult {
  /** The record as committed, without its vector. */
  readonly record: FrameRecord;
  /** A new vector was written for the record. */
  readonly embeddingRegenerated: boolean;
  readonly chunksUpdated: number;
  readonly chunksRecreated: number;
  readonly chunksDeleted: number;
}

const CANCELLED = 'The update was cancelled; nothing was changed.';

/**
 * Updates one record exactly as batch_update would (a chunked document's chunks follow it; changed content gets
 * new chunks), but fails with the cause's own code rather than TX_ROLLED_BACK (e.g. EMBEDDER_FAILED). Returns
 * undefined when no record has `uuid` (also when it is deleted meanwhile). Throws CoreError INVALID_INPUT for a
 * chunk whose document exists (update the document), TX_CONFLICT (retryable) when the record or its chunks
 * changed while the update was prepared, CANCELLED. `metadataUpdates` errors name the field `metadata_updates`.
 */
export async function updateRecord(input: UpdateRecordInput, context: BatchContext): Promise<UpdateRecordResult | undefined> {
  const literal = input.content;
  const plan = planUpdates(
    { metadataUpdates: input.metadataUpdates, content: literal === undefined ? undefined : () => literal, regenerateEmbeddings: input.regenerateEmbeddings },
    'metadata_updates',
  );
  const { dataset, embedder, signal } = context;
  const id = input.uuid.toLowerCase();
  const targets = await dataset.read((reader) => resolveUpdateTargets(reader, { kind: 'ids', ids: [id] }, 1));
  if (targets.matched.length === 0) return undefined;
  const [prepared] = await prepareUpdates([id], plan, context, signal);
  if (!prepared!.ok) {
    if (prepared!.missing) return undefined;
    throw CoreError.from(prepared!.cause, signal);
  }
  const planned = prepared!.value;
  throwIfCancelled(signal, CANCELLED);
  try {
    return await dataset.transaction(
      async (tx) => {
        const written = await writeUpdates(tx, [planned], {
          embeddingModel: embedder.id,
          writeBatchSize: resolveLimits(context.limits).writeBatchSize,
          signal,
          cancelledMessage: CANCELLED,
        });
        const [record] = await tx.get([id], { includeEmbedding: false });
        return {
          record: record!,
          embeddingRegenerated: planned.patch.embedding instanceof Float32Array,
          chunksUpdated: written.chunksUpdated,
          chunksRecreated: written.chunksCreated,
          chunksDeleted: written.chunksDeleted,
        };
      },
      signal === undefined ? {} : { signal },
    );
  } catch (error) {
    if (isCoreError(error, 'TX_CONFLICT') && (error.data as { deleted?: boolean } | undefined)?.deleted === true) return undefined;
    throw CoreError.from(error, signal);
  }
}
