// batch_enhance: titles, tags, context and key facts for many records, from an LLM or extracted from their text.
import type { FrameRecord, RecordPatch, RecordUpdate } from '@contextframe/dataset';
import { z } from 'zod';
import { cancelledError, CoreError } from '../errors/core-error.js';
import { checkEnhancement, uniqueTags } from '../enhance/check-enhancement.js';
import { ENHANCEMENTS, type Enhancement, type EnhancementError, type EnhancementValues, type EnhanceOutcome, type Enhancer } from '../enhance/enhancer.js';
import { ExtractiveEnhancer } from '../enhance/extractive-enhancer.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import { runBatch } from '../engine/batch-handler.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import type { ItemOutcome } from '../engine/item-outcome.js';
import { runOperation } from '../engine/run-operation.js';
import { parseInput } from '../input/parse-input.js';
import { mergeMetadata } from '../records/merge-metadata.js';
import { checkSelection, countTargets, resolveTargets, targetSelectionShape } from '../selection/target-selection.js';

/** Most documents one batch_enhance may ask for with max_documents; the context's limits may lower it. */
export const MAX_ENHANCE_DOCUMENTS = 100_000;

/** Longest `purpose`, in characters. */
export const MAX_PURPOSE_LENGTH = 2_000;

/** The input of batch_enhance. */
export const BatchEnhanceInputSchema = z
  .strictObject({
    ...targetSelectionShape,
    enhancements: z
      .array(z.enum(ENHANCEMENTS))
      .min(1)
      .transform((list) => [...new Set(list)])
      .describe(
        'What to write into each record (repeats are ignored): "title" replaces the title; "context" replaces the context with 2-3 sentences on ' +
          'what the record covers and why it matters for the purpose; "tags" adds topic tags to the existing ones (no duplicates, compared ' +
          'case-insensitively); "metadata" merges key facts as top-level metadata keys, replacing same-named keys and never touching keys ' +
          'named like record fields (title, tags, ...). Without an LLM configured, facts are language, word_count, dates and urls.',
      ),
    purpose: z
      .string()
      .max(MAX_PURPOSE_LENGTH)
      .optional()
      .describe(
        'What the records are being enhanced for, e.g. "answering questions about our billing API". Shapes the context and favours tags on ' +
          'that subject; without an LLM, purpose words found in a record score twice as high as tags and context terms.',
      ),
    batch_size: z
      .int()
      .min(1)
      .max(50)
      .default(10)
      .describe('Records per enhancer call (with an LLM: per request). Smaller batches fail less often on weak models; larger ones are faster.'),
    max_documents: z
      .int()
      .min(1)
      .max(MAX_ENHANCE_DOCUMENTS)
      .default(1000)
      .describe('Safety limit: when more records match, the call fails with MAX_DOCUMENTS_EXCEEDED and changes nothing.'),
  })
  .describe(
    'Write titles, context, tags and key facts into many records. A record is written only when every requested enhancement succeeded; the others are listed with their errors.',
  );

export type BatchEnhanceInput = z.input<typeof BatchEnhanceInputSchema>;

/** What happened to one record. */
export interface EnhancedDocument {
  readonly document_id: string;
  /** Whether the record was written: only when every requested enhancement succeeded. */
  readonly written: boolean;
  /**
   * What the enhancer produced, also for a record that was not written (tags as generated, before they were
   * merged with the record's tags; facts as written, without reserved keys).
   */
  readonly enhancements: EnhancementValues;
  /** One per requested enhancement that failed; empty when the record was written. */
  readonly errors: readonly EnhancementError[];
}

/** The result of batch_enhance. */
export interface BatchEnhanceResult {
  /** True when every selected record was written. */
  readonly success: boolean;
  /** The enhancer used, e.g. `extractive` or `openai-chat:gpt-4o-mini`. */
  readonly enhancer: string;
  readonly total_documents: number;
  readonly documents_enhanced: number;
  readonly documents_failed: number;
  /** One per selected record, in selection order. */
  readonly results: EnhancedDocument[];
  /** Requested ids that are not in the dataset (or were deleted before they were read). */
  readonly not_found: string[];
  readonly progress: ProgressSummary;
}

/** One record after its enhancer call: its outcome and, when it can be written, its patch. */
interface PreparedDocument {
  readonly uuid: string;
  readonly found: boolean;
  readonly values: EnhancementValues;
  readonly errors: EnhancementError[];
  readonly patch: RecordPatch | undefined;
  readonly updatedAt: string;
}

/** Checks an enhancer's outcome against what was asked: every requested enhancement has a valid value or an error. */
function settle(enhancements: readonly Enhancement[], outcome: EnhanceOutcome | undefined, enhancer: Enhancer): { values: EnhancementValues; errors: EnhancementError[] } {
  let values: EnhancementValues = {};
  const errors: EnhancementError[] = [];
  for (const enhancement of enhancements) {
    const failed = outcome?.errors.find((error) => error.enhancement === enhancement);
    if (failed !== undefined) {
      errors.push({ enhancement, error: failed.error });
      continue;
    }
    const value = outcome?.values[enhancement];
    if (value === undefined) {
      errors.push({ enhancement, error: `${enhancement}: the enhancer ${enhancer.id} returned nothing for this document; call batch_enhance again for it.` });
      continue;
    }
    const checked = checkEnhancement(enhancement, value);
    if (checked.ok) values = { ...values, ...checked.values };
    else errors.push({ enhancement, error: `${checked.error} (from the enhancer ${enhancer.id}); call batch_enhance again for this document.` });
  }
  return { values, errors };
}

/** The change enhancements make to a record: title and context replace, tags add, facts merge. */
/** What a chunk of an enhanced document gets: the document's new title, context and tags, and the facts merged into its own metadata. */
function chunkPatchFor(chunk: FrameRecord, document: PreparedDocument): RecordPatch {
  const patch: { -readonly [K in keyof RecordPatch]: RecordPatch[K] } = {};
  const { title, context, tags } = document.patch!;
  if (title !== undefined) patch.title = title;
  if (context !== undefined) patch.context = context;
  if (tags !== undefined) patch.tags = tags;
  if (document.values.metadata !== undefined) patch.metadata = mergeMetadata(chunk.metadata, document.values.metadata);
  return patch;
}

function patchFor(record: FrameRecord, values: EnhancementValues): RecordPatch {
  const patch: { -readonly [K in keyof RecordPatch]: RecordPatch[K] } = {};
  if (values.title !== undefined) patch.title = values.title;
  if (values.context !== undefined) patch.context = values.context;
  if (values.tags !== undefined) patch.tags = uniqueTags([...record.tags, ...values.tags]);
  if (values.metadata !== undefined) patch.metadata = mergeMetadata(record.metadata, values.metadata);
  return patch;
}

/** Reads one group of records and has the enhancer work on it, outside any transaction. */
async function prepareGroup(
  ids: readonly string[],
  enhancements: readonly Enhancement[],
  purpose: string | undefined,
  enhancer: Enhancer,
  context: BatchContext,
  signal: AbortSignal | undefined,
): Promise<ItemOutcome<PreparedDocument>[]> {
  const records = new Map((await context.dataset.get(ids, { includeEmbedding: false })).map((record) => [record.uuid, record]));
  const present = ids.flatMap((id) => {
    const record = records.get(id);
    return record === undefined ? [] : [record];
  });
  throwIfCancelled(signal);
  const outcomes =
    present.length === 0
      ? []
      : await enhancer.enhance(
          present.map((record) => ({
            document: { uuid: record.uuid, title: record.title, content: record.content, tags: record.tags, metadata: record.metadata, collection: record.collection },
            enhancements,
          })),
          { ...(purpose === undefined ? {} : { purpose }), ...(signal === undefined ? {} : { signal }) },
        );
  if (outcomes.length !== present.length) {
    throw new CoreError('INTERNAL', `The enhancer ${enhancer.id} returned ${outcomes.length} outcomes for ${present.length} documents.`);
  }
  const byId = new Map(present.map((record, i) => [record.uuid, { record, outcome: outcomes[i] }]));
  return ids.map((id): ItemOutcome<PreparedDocument> => {
    const entry = byId.get(id);
    if (entry === undefined) return { ok: true, value: { uuid: id, found: false, values: {}, errors: [], patch: undefined, updatedAt: '' } };
    const { values, errors } = settle(enhancements, entry.outcome, enhancer);
    const patch = errors.length === 0 ? patchFor(entry.record, values) : undefined;
    return { ok: true, value: { uuid: id, found: true, values, errors, patch, updatedAt: entry.record.updated_at } };
  });
}

/**
 * Enhances the selected records. The selection and max_documents are checked first; then records are read
 * in groups of batch_size and handed to the context's enhancer (default: the ExtractiveEnhancer over the
 * dataset), groups running in parallel, outside any transaction; then one transaction writes every record
 * whose requested enhancements all succeeded, through the dataset's update (so the text index follows and
 * `updated_at` moves). A record changed by someone else meanwhile is not written and gets an error instead.
 * An enhancer failure (ENHANCER_FAILED) or cancellation fails the call with nothing written.
 */
export async function batchEnhance(input: BatchEnhanceInput, context: BatchContext): Promise<BatchEnhanceResult> {
  return runOperation('batch_enhance', context, async (tracker) => {
    const parsed = parseInput(BatchEnhanceInputSchema, input, 'batch_enhance');
    const selection = checkSelection(parsed);
    const { dataset, signal } = context;
    const limits = resolveLimits(context.limits);
    if (parsed.max_documents > limits.maxEnhanceDocuments) {
      throw new CoreError('INVALID_INPUT', `max_documents may be at most ${limits.maxEnhanceDocuments} here, got ${parsed.max_documents}.`, {
        data: { field: 'max_documents', limit: limits.maxEnhanceDocuments },
      });
    }
    const enhancer = context.enhancer ?? new ExtractiveEnhancer({ statistics: dataset });
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
    tracker.start(matched.length, `Enhancing ${matched.length} records with ${enhancer.id}`, { hold: true });
    const cancelled = 'batch_enhance was cancelled; nothing was changed.';

    const run = await runBatch<string, PreparedDocument>({
      items: matched,
      tracker,
      chunkSize: parsed.batch_size,
      maxParallel: limits.maxParallel,
      signal,
      reportItems: false,
      process: (ids, _start, groupSignal) => prepareGroup(ids, parsed.enhancements, parsed.purpose, enhancer, context, groupSignal),
      describe: (done, all) => `Enhanced ${done} of ${all} records`,
    });
    if (run.stopped === 'cancelled') throw cancelledError(signal?.reason, cancelled);
    const prepared = run.outcomes.map((outcome) => (outcome?.ok ? outcome.value : undefined)).filter((p): p is PreparedDocument => p !== undefined);
    const vanished = new Set(prepared.filter((p) => !p.found).map((p) => p.uuid));
    const documents = prepared.filter((p) => p.found);
    const writable = documents.filter((p) => p.patch !== undefined);

    throwIfCancelled(signal, cancelled);
    const conflicts = new Set<string>();
    const written = await dataset.transaction(
      async (tx) => {
        const done = new Set<string>();
        for (let i = 0; i < writable.length; i += limits.writeBatchSize) {
          throwIfCancelled(signal, cancelled);
          const slice = writable.slice(i, i + limits.writeBatchSize);
          // Patches were computed from what was read (tags and metadata merge into it): never overwrite a newer version.
          const current = new Map((await tx.get(slice.map((p) => p.uuid), { includeEmbedding: false })).map((record) => [record.uuid, record]));
          const fresh = slice.filter((p) => {
            if (current.get(p.uuid)?.updated_at === p.updatedAt) return true;
            conflicts.add(p.uuid);
            return false;
          });
          const updates: RecordUpdate[] = fresh.map((p) => ({ uuid: p.uuid, patch: p.patch! }));
          // A document's chunks copy its title, context, tags and metadata: they follow it, in the same transaction.
          const byParent = new Map(fresh.map((p) => [p.uuid, p]));
          const chunks = (await tx.get([...byParent.keys()], { includeChunks: true, includeEmbedding: false })).filter(
            (record) => record.record_type === 'chunk' && record.parent_id !== null && byParent.has(record.parent_id),
          );
          const chunkUpdates: RecordUpdate[] = chunks.map((chunk) => ({ uuid: chunk.uuid, patch: chunkPatchFor(chunk, byParent.get(chunk.parent_id!)!) }));
          for (const uuid of (await tx.update(updates)).updated) done.add(uuid);
          if (chunkUpdates.length > 0) await tx.update(chunkUpdates);
        }
        return done;
      },
      signal === undefined ? {} : { signal },
    );

    const results: EnhancedDocument[] = documents.map((p) => {
      const errors = conflicts.has(p.uuid)
        ? parsed.enhancements.map((enhancement) => ({
            enhancement,
            error: `${enhancement}: not written because the record changed (or was deleted) while it was being enhanced; call batch_enhance again for it.`,
          }))
        : p.errors;
      return { document_id: p.uuid, written: written.has(p.uuid), enhancements: p.values, errors };
    });
    tracker.finish(`Wrote ${written.size} enhanced records`);
    const positions = new Map(matched.map((id, i) => [id, i]));
    for (const result of results) {
      const index = positions.get(result.document_id)!;
      if (result.written) tracker.itemSucceeded(index, result.document_id);
      else tracker.itemFailed(index, { error: result.errors[0]?.error ?? 'not written', code: conflicts.has(result.document_id) ? 'TX_CONFLICT' : 'ENHANCER_FAILED' });
    }
    const failed = results.filter((result) => !result.written).length;
    return {
      success: failed === 0,
      enhancer: enhancer.id,
      total_documents: results.length,
      documents_enhanced: written.size,
      documents_failed: failed,
      results,
      not_found: [...targets.notFound, ...matched.filter((id) => vanished.has(id))],
    };
  });
}
