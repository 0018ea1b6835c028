// The write half of adding documents: all-or-nothing in one transaction, or chunk by chunk with per-document failures.
import { DatasetError, type DatasetTransaction, type FrameDataset, type NewRecord } from '@contextframe/dataset';
import { CoreError, isCancellation } from '../errors/core-error.js';
import { type ItemError, toItemError } from '../errors/item-error.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import { rolledBackError } from '../engine/rolled-back-error.js';
import type { PreparedDocument } from './prepare-documents.js';

export interface WriteDocumentsOptions {
  /** The embedder's id, checked by the store against the model the dataset remembers. */
  readonly embeddingModel: string | undefined;
  /** Records per `tx.add`. */
  readonly writeBatchSize: number;
  readonly signal?: AbortSignal | undefined;
}

const EXISTING_BATCH = 10_000;
const CONFLICT_RETRIES = 3;

/** A write failure that names the document (its input index) it belongs to. */
class DocumentFailure extends Error {
  readonly itemIndex: number;
  constructor(itemIndex: number, cause: unknown) {
    super('document failed', { cause });
    this.itemIndex = itemIndex;
  }
}

function duplicateError(document: PreparedDocument): CoreError {
  return new CoreError(
    'DUPLICATE_ID',
    `Document ${document.draft.index}: uuid ${document.draft.uuid} already exists; use batch_update to change it, or leave metadata.uuid out to add a new document.`,
    { data: { item_index: document.draft.index, uuid: document.draft.uuid } },
  );
}

/** The record index a store error points at, when it names one. */
function recordIndexOf(error: unknown): number | undefined {
  if (!(error instanceof DatasetError)) return undefined;
  const index = (error.data as { index?: unknown } | undefined)?.index;
  return typeof index === 'number' ? index : undefined;
}

/** Documents among `documents` whose uuid is taken already. */
async function taken(tx: DatasetTransaction, documents: readonly PreparedDocument[]): Promise<PreparedDocument[]> {
  const found: PreparedDocument[] = [];
  for (let i = 0; i < documents.length; i += EXISTING_BATCH) {
    const slice = documents.slice(i, i + EXISTING_BATCH);
    const existing = await tx.existing(slice.map((document) => document.draft.uuid));
    found.push(...slice.filter((document) => existing.has(document.draft.uuid)));
  }
  return found;
}

/**
 * Appends the documents' records inside `tx`, `writeBatchSize` records per call, checking for cancellation
 * between calls. A store error that names a record is rethrown as a DocumentFailure naming its document.
 */
async function appendRecords(tx: DatasetTransaction, documents: readonly PreparedDocument[], options: WriteDocumentsOptions): Promise<void> {
  let batch: NewRecord[] = [];
  let owners: number[] = [];
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    throwIfCancelled(options.signal, 'The add was cancelled; nothing was written.');
    try {
      await tx.add(batch, options.embeddingModel === undefined ? {} : { embeddingModel: options.embeddingModel });
    } catch (error) {
      const index = recordIndexOf(error);
      const owner = index === undefined ? undefined : owners[index];
      throw owner === undefined ? error : new DocumentFailure(owner, error);
    }
    batch = [];
    owners = [];
  };
  for (const document of documents) {
    for (const record of document.records) {
      batch.push(record);
      owners.push(document.draft.index);
    }
    if (batch.length >= options.writeBatchSize) await flush();
  }
  await flush();
}

/**
 * Writes every document in one transaction: all are added or none. A taken uuid or a record the store
 * rejects fails the whole write with TX_ROLLED_BACK naming the document; cancellation with CANCELLED.
 */
export async function writeAllOrNothing(dataset: FrameDataset, documents: readonly PreparedDocument[], options: WriteDocumentsOptions): Promise<void> {
  throwIfCancelled(options.signal, 'The add was cancelled; nothing was written.');
  try {
    await dataset.transaction(
      async (tx) => {
        const duplicates = await taken(tx, documents);
        if (duplicates.length > 0) throw rolledBackError(duplicates.map((document) => toItemError(document.draft.index, duplicateError(document))), 'document');
        await appendRecords(tx, documents, options);
      },
      options.signal === undefined ? {} : { signal: options.signal },
    );
  } catch (error) {
    if (error instanceof DocumentFailure) throw rolledBackError([toItemError(error.itemIndex, error.cause)], 'document', error.cause);
    throw CoreError.from(error, options.signal);
  }
}

/**
 * Writes one chunk of documents in one transaction, keeping the good ones when some fail: a taken uuid fails
 * just that document; a store error naming a record drops its document and the rest are written again; an
 * error naming none makes each document try alone. Returns the failures by input index. Cancellation throws.
 */
export async function writeEachOrSkip(
  dataset: FrameDataset,
  documents: readonly PreparedDocument[],
  options: WriteDocumentsOptions,
): Promise<Map<number, ItemError>> {
  const failures = new Map<number, ItemError>();
  let pending = [...documents];
  let conflicts = 0;
  while (pending.length > 0) {
    throwIfCancelled(options.signal, 'The add was cancelled before this chunk was written.');
    try {
      const duplicates = await dataset.transaction(
        async (tx) => {
          const found = await taken(tx, pending);
          const takenSet = new Set(found);
          const fresh = pending.filter((document) => !takenSet.has(document));
          await appendRecords(tx, fresh, options);
          return found;
        },
        options.signal === undefined ? {} : { signal: options.signal },
      );
      for (const document of duplicates) failures.set(document.draft.index, toItemError(document.draft.index, duplicateError(document)));
      return failures;
    } catch (error) {
      if (isCancellation(error, options.signal)) throw CoreError.from(error, options.signal);
      if (error instanceof DocumentFailure) {
        failures.set(error.itemIndex, toItemError(error.itemIndex, error.cause));
        pending = pending.filter((document) => document.draft.index !== error.itemIndex);
        continue;
      }
      if (error instanceof DatasetError && error.code === 'TX_CONFLICT' && conflicts++ < CONFLICT_RETRIES) continue;
      if (pending.length === 1) {
        failures.set(pending[0]!.draft.index, toItemError(pending[0]!.draft.index, error));
        return failures;
      }
      for (const document of pending) {
        for (const [index, failure] of await writeEachOrSkip(dataset, [document], options)) failures.set(index, failure);
      }
      return failures;
    }
  }
  return failures;
}
