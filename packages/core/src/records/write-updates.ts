// The write half of an update: inside one transaction, refuse stale plans, then patch records and swap chunks.
import type { DatasetTransaction, RecordUpdate } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { PlannedUpdate } from './prepare-updates.js';

export interface WriteUpdatesOptions {
  /** The embedder's id, given to the store with new vectors so it can check the dataset's model. */
  readonly embeddingModel: string;
  /** About this many records (documents and chunks) per store call. */
  readonly writeBatchSize: number;
  readonly signal?: AbortSignal | undefined;
  /** The message of a cancellation. */
  readonly cancelledMessage: string;
}

/** What a write changed. */
export interface WrittenUpdates {
  /** Selected records changed. */
  readonly updated: number;
  /** Chunks kept and changed in place (fields, metadata or vectors). */
  readonly chunksUpdated: number;
  /** Chunks of old content removed. */
  readonly chunksDeleted: number;
  /** Chunks of new content added. */
  readonly chunksCreated: number;
}

/** Cuts the plans into runs of about `size` records each (one plan is never split). */
function* slices(planned: readonly PlannedUpdate[], size: number): Generator<PlannedUpdate[]> {
  let slice: PlannedUpdate[] = [];
  let records = 0;
  for (const plan of planned) {
    slice.push(plan);
    records += 1 + plan.chunkUpdates.length + plan.newChunks.length + plan.removedChunks.length;
    if (records >= size) {
      yield slice;
      slice = [];
      records = 0;
    }
  }
  if (slice.length > 0) yield slice;
}

/**
 * Checks that every record of `slice` and each of its chunks is still the version the plan was made from
 * (none changed, none added, none removed). Throws CoreError TX_CONFLICT (retryable) naming the first that is
 * not; `data.deleted` is true when the record itself is gone.
 */
async function checkCurrent(tx: DatasetTransaction, slice: readonly PlannedUpdate[]): Promise<void> {
  const current = await tx.get(
    slice.map((plan) => plan.uuid),
    { includeEmbedding: false, includeChunks: true },
  );
  const versions = new Map(current.map((record) => [record.uuid, record.updated_at]));
  const chunkCounts = new Map<string, number>();
  for (const record of current) if (record.parent_id !== null) chunkCounts.set(record.parent_id, (chunkCounts.get(record.parent_id) ?? 0) + 1);
  for (const plan of slice) {
    if (!versions.has(plan.uuid)) throw conflict(plan.uuid, true, `record ${plan.uuid} was deleted`);
    const stale = [...plan.versions].some(([uuid, version]) => versions.get(uuid) !== version) || (chunkCounts.get(plan.uuid) ?? 0) !== plan.versions.size - 1;
    if (stale) throw conflict(plan.uuid, false, `record ${plan.uuid} or one of its chunks changed`);
  }
}

function conflict(uuid: string, deleted: boolean, what: string): CoreError {
  return new CoreError('TX_CONFLICT', `Nothing was changed: ${what} while the update was being prepared; call again to apply the update to the current records.`, {
    retryable: true,
    data: { uuid, deleted },
  });
}

/**
 * Writes planned updates inside `tx`, a slice at a time with a cancellation check between slices: each slice is
 * checked (see checkCurrent), then old chunks are removed, records and kept chunks patched, and new chunks
 * added. Every change was computed before the transaction opened, so it stays short.
 */
export async function writeUpdates(tx: DatasetTransaction, planned: readonly PlannedUpdate[], options: WriteUpdatesOptions): Promise<WrittenUpdates> {
  let updated = 0;
  let chunksUpdated = 0;
  let chunksDeleted = 0;
  let chunksCreated = 0;
  for (const slice of slices(planned, options.writeBatchSize)) {
    throwIfCancelled(options.signal, options.cancelledMessage);
    // Plans were computed from what was read; never overwrite a newer version.
    await checkCurrent(tx, slice);
    const removed = slice.flatMap((plan) => plan.removedChunks);
    if (removed.length > 0) chunksDeleted += (await tx.delete(removed)).deleted.length;
    const updates: RecordUpdate[] = slice.flatMap((plan) => [{ uuid: plan.uuid, patch: plan.patch }, ...plan.chunkUpdates]);
    // The model is named only with new vectors: the store checks it against every vector a write carries, old ones too.
    const vectorOptions = slice.some((plan) => plan.writesVectors) ? { embeddingModel: options.embeddingModel } : {};
    const result = await tx.update(updates, vectorOptions);
    const chunkIds = new Set(slice.flatMap((plan) => plan.chunkUpdates.map((update) => update.uuid)));
    for (const uuid of result.updated) {
      if (chunkIds.has(uuid)) chunksUpdated++;
      else updated++;
    }
    const added = slice.flatMap((plan) => plan.newChunks);
    if (added.length > 0) chunksCreated += (await tx.add(added, vectorOptions)).length;
  }
  return { updated, chunksUpdated, chunksDeleted, chunksCreated };
}
