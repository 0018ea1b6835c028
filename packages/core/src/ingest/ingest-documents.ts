// Adding many documents: validate all, then chunk and embed in chunks, then write all-or-nothing or chunk by chunk.
import { cancelledError } from '../errors/core-error.js';
import type { ItemError } from '../errors/item-error.js';
import { checkEmbedderFits } from '../embedding/check-embedder.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import { type BatchRun, runBatch, type StopReason } from '../engine/batch-handler.js';
import type { ItemOutcome } from '../engine/item-outcome.js';
import { Mutex } from '../engine/mutex.js';
import type { ProgressTracker } from '../engine/progress-tracker.js';
import { rolledBackError } from '../engine/rolled-back-error.js';
import { type DocumentDraft, validateDocuments } from './document-draft.js';
import type { IngestSettings } from './document-input.js';
import { type PreparedDocument, prepareDocuments } from './prepare-documents.js';
import { writeAllOrNothing, writeEachOrSkip } from './write-documents.js';

export interface IngestOptions {
  /** All documents or none (one transaction), or each good document kept. */
  readonly atomic: boolean;
  /** Chunks of documents chunked and embedded at once (writes still happen one at a time). */
  readonly maxParallel: number;
  /** Non-atomic only: stop once more than this many documents have failed. */
  readonly maxErrors?: number | undefined;
}

/** What an ingest did, per input document and in total. */
export interface IngestResult {
  /** `documentIds[i]` is input document i's uuid, or null if it was not added. */
  readonly documentIds: (string | null)[];
  /** One entry per failed document, in input order. */
  readonly errors: ItemError[];
  readonly added: number;
  readonly failed: number;
  /** Documents never attempted (cancelled, or max_errors reached). */
  readonly skipped: number;
  readonly chunksCreated: number;
  readonly stopped: StopReason | null;
}

interface Added {
  readonly uuid: string;
  readonly chunks: number;
}

/** Documents per work chunk: small batches still report progress a few times, big ones use full chunks. */
function chunkSizeFor(total: number, maximum: number): number {
  return Math.max(1, Math.min(maximum, Math.ceil(total / 20)));
}

/**
 * Adds `inputs` (documents as agents send them) to the context's dataset. Every document is validated
 * first. Atomic: chunking and embedding run outside any transaction, then one transaction writes everything;
 * any failure throws TX_ROLLED_BACK (naming the document) and cancellation throws CANCELLED, with nothing
 * written. Non-atomic: each chunk of documents is embedded and then written in its own transaction, failed
 * documents are reported and the rest kept; cancellation stops before the next chunk and is reported.
 * `tracker` must not have started; this starts it.
 */
export async function ingestDocuments(
  inputs: readonly unknown[],
  settings: IngestSettings,
  options: IngestOptions,
  context: BatchContext,
  tracker: ProgressTracker,
): Promise<IngestResult> {
  const { dataset, embedder, signal } = context;
  const limits = resolveLimits(context.limits);
  const total = inputs.length;
  const chunkSize = chunkSizeFor(total, limits.chunkDocuments);
  const writeOptions = {
    embeddingModel: settings.generateEmbeddings ? embedder.id : undefined,
    writeBatchSize: limits.writeBatchSize,
  };
  const { drafts, errors } = validateDocuments(inputs, settings);

  if (options.atomic) {
    tracker.start(total, `Adding ${total} documents, all or nothing`, { hold: true });
    if (errors.length > 0) throw rolledBackError(errors, 'document');
    if (settings.generateEmbeddings) checkEmbedderFits(dataset.embeddingInfo, embedder);
    const run = await runBatch<DocumentDraft, PreparedDocument>({
      items: drafts,
      tracker,
      chunkSize,
      maxParallel: options.maxParallel,
      maxErrors: 0,
      signal,
      reportItems: false,
      indexOf: (draft) => draft.index,
      process: (chunk, _start, chunkSignal) => prepareDocuments(chunk, settings, embedder, chunkSignal),
      describe: (done, all) => `Chunked and embedded ${done} of ${all} documents`,
    });
    if (run.stopped === 'cancelled') throw cancelledError(signal?.reason, 'batch_add was cancelled; nothing was written.');
    const failures = failuresOf(run);
    if (failures.length > 0) throw rolledBackError(failures, 'document');
    const prepared = run.outcomes.map((outcome) => (outcome as { value: PreparedDocument }).value);
    await writeAllOrNothing(dataset, prepared, { ...writeOptions, signal });
    tracker.finish(`Added ${total} documents`);
    const documentIds: (string | null)[] = new Array(total).fill(null);
    let chunksCreated = 0;
    for (const document of prepared) {
      documentIds[document.draft.index] = document.draft.uuid;
      chunksCreated += document.records.length - 1;
      tracker.itemSucceeded(document.draft.index, document.draft.uuid);
    }
    return { documentIds, errors: [], added: prepared.length, failed: 0, skipped: 0, chunksCreated, stopped: null };
  }

  tracker.start(total, `Adding ${total} documents`);
  for (const error of errors) tracker.itemFailed(error.item_index, error);
  tracker.advance(errors.length, `${errors.length} of ${total} documents failed validation`);
  const remainingErrors = options.maxErrors === undefined ? undefined : options.maxErrors - errors.length;
  const documentIds: (string | null)[] = new Array(total).fill(null);
  if (remainingErrors !== undefined && remainingErrors < 0) {
    return { documentIds, errors, added: 0, failed: errors.length, skipped: drafts.length, chunksCreated: 0, stopped: 'max_errors' };
  }
  if (settings.generateEmbeddings && drafts.length > 0) checkEmbedderFits(dataset.embeddingInfo, embedder);
  const writer = new Mutex();
  const run = await runBatch<DocumentDraft, Added>({
    items: drafts,
    tracker,
    chunkSize,
    maxParallel: options.maxParallel,
    maxErrors: remainingErrors,
    signal,
    doneBefore: errors.length,
    indexOf: (draft) => draft.index,
    idOf: (added) => added.uuid,
    process: async (chunk, _start, chunkSignal): Promise<ItemOutcome<Added>[]> => {
      const prepared = await prepareDocuments(chunk, settings, embedder, chunkSignal);
      const ready = prepared.flatMap((outcome) => (outcome.ok ? [outcome.value] : []));
      // Embedding runs in parallel; writes take turns, so transactions never contend for the same rows.
      const writeFailures =
        ready.length === 0 ? new Map<number, ItemError>() : await writer.run(() => writeEachOrSkip(dataset, ready, { ...writeOptions, signal: chunkSignal }));
      return prepared.map((outcome) => {
        if (!outcome.ok) return outcome;
        const failure = writeFailures.get(outcome.value.draft.index);
        if (failure !== undefined) return { ok: false, error: failure };
        return { ok: true, value: { uuid: outcome.value.draft.uuid, chunks: outcome.value.records.length - 1 } };
      });
    },
    describe: (done, all) => `Processed ${done} of ${all} documents`,
  });
  let chunksCreated = 0;
  run.outcomes.forEach((outcome, position) => {
    if (outcome?.ok) {
      documentIds[drafts[position]!.index] = outcome.value.uuid;
      chunksCreated += outcome.value.chunks;
    }
  });
  const allErrors = [...errors, ...failuresOf(run)].sort((a, b) => a.item_index - b.item_index);
  return {
    documentIds,
    errors: allErrors,
    added: run.succeeded,
    failed: allErrors.length,
    skipped: total - run.succeeded - allErrors.length,
    chunksCreated,
    stopped: run.stopped,
  };
}

function failuresOf<R>(run: BatchRun<R>): ItemError[] {
  return run.outcomes.flatMap((outcome) => (outcome !== undefined && !outcome.ok ? [outcome.error] : []));
}
