// batch_import: reads a JSON, JSONL, CSV or Parquet file under an allowed root into the dataset, all or nothing.
import { stat } from 'node:fs/promises';
import { checkNewRecord, type NewRecord } from '@contextframe/dataset';
import { FORMATS, detectFormat, openReader } from '@contextframe/io';
import { z } from 'zod';
import type { BatchContext } from '../engine/batch-context.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import { runOperation } from '../engine/run-operation.js';
import { checkEmbedderFits } from '../embedding/check-embedder.js';
import { CoreError } from '../errors/core-error.js';
import { CHUNKING_METADATA_KEY } from '../ingest/chunk-settings.js';
import { ReplacedChunks } from '../ingest/replaced-chunks.js';
import { parseInput } from '../input/parse-input.js';
import { allowedRootsOf, checkAllowedPath } from '../paths/allowed-roots.js';
import { isUuid } from '../records/uuid.js';

// Rows handled per step (read → validate → embed → write); memory stays bounded by one step.
const IMPORT_CHUNK = 1_000;

/** The input of batch_import. */
export const BatchImportInputSchema = z
  .strictObject({
    source_path: z.string().min(1).describe('The file to import; must lie under an allowed root.'),
    format: z.enum(FORMATS).optional().describe('json, jsonl, csv or parquet; default: from the file extension.'),
    mapping: z
      .record(z.string(), z.string())
      .optional()
      .describe('Source field → record field, e.g. {"body": "content", "author": "metadata.author"}. Unmapped unknown fields go to metadata.'),
    validation: z
      .strictObject({
        require_schema_match: z.boolean().default(false).describe('Unknown, unmapped source fields are errors.'),
        max_errors: z.int().min(0).default(10).describe('Bad rows skipped and reported; one more fails the import and nothing is imported.'),
      })
      .prefault({}),
    generate_embeddings: z.boolean().default(true).describe('Embed rows that carry no embedding of the dataset\'s dimension.'),
    on_conflict: z
      .enum(['error', 'skip', 'replace'])
      .default('error')
      .describe(
        "A row whose uuid already exists: 'error' (a bad row), 'skip' (left out) or 'replace' (overwrites the stored record). " +
          "When 'replace' overwrites a document, its stored chunks that the file does not carry (by uuid) are removed: the file's " +
          'chunk rows with parent_id = its uuid become its chunks; without any, its new content is cut into new chunks as ' +
          `batch_update cuts changed content, with the settings in the row's metadata.${CHUNKING_METADATA_KEY} ` +
          '(e.g. { "size": 500, "overlap": 50 }) or else those its stored chunks were made with (embedded when generate_embeddings ' +
          'is true); a document that had no chunks and names no settings stays whole.',
      ),
  })
  .describe('Import records from a file.');

export type BatchImportInput = z.input<typeof BatchImportInputSchema>;

/** One row that was not imported. */
export interface ImportRowError {
  readonly row: number;
  readonly field: string | null;
  readonly error: string;
}

/** The result of batch_import. */
export interface BatchImportResult {
  readonly success: boolean;
  readonly source_path: string;
  readonly format: (typeof FORMATS)[number];
  readonly documents_found: number;
  readonly documents_imported: number;
  readonly documents_failed: number;
  /** Vectors made by the embedder: for rows without one, and for rebuilt chunks. */
  readonly embeddings_generated: number;
  /** Chunks of replaced documents that the file did not carry, removed. */
  readonly chunks_deleted: number;
  /** Chunks cut from replaced documents' new content (see on_conflict). */
  readonly chunks_rebuilt: number;
  readonly errors: ImportRowError[];
  readonly progress: ProgressSummary;
}

interface Row {
  readonly row: number;
  record: NewRecord;
  /** The import embedded the record (its vector is not from the file). */
  generated?: boolean;
}

const CANCELLED = 'The import was cancelled; nothing was imported.';

/**
 * Imports a file in one transaction: rows are read, validated, embedded and written chunk by chunk, and the
 * whole import commits at the end, so a failure, too many bad rows or cancellation leaves the dataset as it was.
 * A row the reader or the store would refuse is a bad row, reported with its row number; the others are written.
 * After the last row, the chunks of replaced documents are settled (see ReplacedChunks), still before the commit.
 * Throws PATH_OUTSIDE_ROOTS, FILE_NOT_FOUND, PARSE_ERROR, SCHEMA_MISMATCH, TOO_MANY_ERRORS, CANCELLED.
 */
export async function batchImport(input: BatchImportInput, context: BatchContext): Promise<BatchImportResult> {
  return runOperation('batch_import', context, async (tracker) => {
    const parsed = parseInput(BatchImportInputSchema, input, 'batch_import');
    const { dataset, embedder, signal } = context;
    const sourcePath = await checkAllowedPath(parsed.source_path, allowedRootsOf(context), 'source_path');
    const isFile = await stat(sourcePath).then((s) => s.isFile(), () => false);
    if (!isFile) {
      throw new CoreError('FILE_NOT_FOUND', `source_path "${parsed.source_path}" is not an existing file; check the path.`, {
        data: { path: parsed.source_path },
      });
    }
    const format = parsed.format ?? detectFormat(sourcePath);
    const maxErrors = parsed.validation.max_errors;
    if (parsed.generate_embeddings) checkEmbedderFits(dataset.embeddingInfo, embedder);
    const dimensions = dataset.embeddingInfo?.dimensions ?? embedder.dimensions;

    const errors: ImportRowError[] = [];
    let found = 0;
    let imported = 0;
    let generated = 0;
    let chunksDeleted = 0;
    let chunksRebuilt = 0;
    const replacedChunks = new ReplacedChunks(dataset);
    const fail = (error: ImportRowError): void => {
      errors.push(error);
      if (errors.length > maxErrors) {
        throw new CoreError(
          'TOO_MANY_ERRORS',
          `"${parsed.source_path}" has more than ${maxErrors} bad row${maxErrors === 1 ? '' : 's'} (row ${error.row}: ${error.error}); ` +
            'nothing was imported. Fix the file or the mapping, or raise validation.max_errors.',
          { data: { path: parsed.source_path, max_errors: maxErrors, errors } },
        );
      }
    };

    // The row count is unknown until the file has been read: the total is estimated from the part of the file
    // read so far (bytes, or Parquet rows) and becomes exact at the end.
    tracker.start(0, `Importing ${parsed.source_path}`, { hold: true });
    // The reader counts nothing against max_errors itself: id conflicts count too, so this function keeps the tally.
    const reader = await openReader(format, sourcePath, {
      ...(parsed.mapping === undefined ? {} : { mapping: parsed.mapping }),
      requireSchemaMatch: parsed.validation.require_schema_match,
      maxErrors: Number.POSITIVE_INFINITY,
      ...(signal === undefined ? {} : { signal }),
    });
    try {
      await dataset.transaction(
        async (tx) => {
          let pending: Row[] = [];
          // One step: resolve id conflicts, embed what lacks a vector, write. Embedding happens while the
          // import's one transaction is open: that keeps the whole import all-or-nothing at the cost of a longer
          // transaction, which is acceptable for an import.
          const flush = async (): Promise<void> => {
            const rows = pending;
            pending = [];
            throwIfCancelled(signal);
            const ids = rows.flatMap((r) => (r.record.uuid !== undefined && isUuid(r.record.uuid) ? [r.record.uuid.toLowerCase()] : []));
            const existing = await tx.existing(ids);
            const seen = new Set<string>();
            const keep: Row[] = [];
            for (const row of rows) {
              if (row.record.uuid !== undefined && !isUuid(row.record.uuid)) {
                fail({ row: row.row, field: 'uuid', error: `"${row.record.uuid}" is not a UUID; leave uuid empty to get a new one.` });
                continue;
              }
              const id = row.record.uuid?.toLowerCase();
              const repeat = id !== undefined && seen.has(id);
              if (id !== undefined) seen.add(id);
              if (repeat) {
                fail({ row: row.row, field: 'uuid', error: `uuid ${id} appears earlier in the file; each row needs its own.` });
                continue;
              }
              if (id !== undefined && existing.has(id)) {
                if (parsed.on_conflict === 'skip') continue;
                if (parsed.on_conflict === 'error') {
                  fail({ row: row.row, field: 'uuid', error: `uuid ${id} already exists; pass on_conflict 'skip' or 'replace' to import anyway.` });
                  continue;
                }
              }
              const vector = row.record.embedding;
              if (vector !== undefined && vector !== null && vector.length !== dimensions) {
                const { embedding: _dropped, ...rest } = row.record;
                row.record = rest;
              }
              // The store's own checks, run here so a row it would refuse is one bad row, not a failed write.
              const problem = checkNewRecord(row.record);
              if (problem !== undefined) {
                fail({ row: row.row, field: problem.field, error: `${problem.message}; fix the row or its mapping.` });
                continue;
              }
              keep.push(row);
            }
            const missing = keep.filter((r) => r.record.embedding === undefined || r.record.embedding === null);
            if (parsed.generate_embeddings && missing.length > 0) {
              const vectors = await embedder.embed(
                missing.map((r) => r.record.content ?? ''),
                signal === undefined ? {} : { signal },
              );
              generated += vectors.length;
              missing.forEach((row, i) => {
                row.record = { ...row.record, embedding: vectors[i]! };
                row.generated = true;
              });
            }
            const adds: NewRecord[] = [];
            const replaces: NewRecord[] = [];
            for (const row of keep) {
              const id = row.record.uuid?.toLowerCase();
              if (id !== undefined && existing.has(id)) {
                replaces.push(row.record);
                replacedChunks.replaced(id, row.record, row.generated === true);
              } else adds.push(row.record);
            }
            throwIfCancelled(signal);
            const options = parsed.generate_embeddings ? { embeddingModel: embedder.id } : {};
            if (adds.length > 0) await tx.add(adds, options);
            if (replaces.length > 0) await tx.upsert(replaces, options);
            imported += adds.length + replaces.length;
            const fraction = reader.progress();
            tracker.resize(Math.max(found + 1, Math.round(found / Math.max(fraction, 1e-9))));
            // One below `found`: the final event (current = total = found) must still be larger.
            tracker.advance(found - 1, `Read ${found} rows (${Math.floor(fraction * 100)}% of the file), imported ${imported}`);
          };
          for await (const batch of reader.batches()) {
            for (const item of batch) {
              found++;
              if (!item.ok) fail({ row: item.row, field: item.field, error: item.error });
              else pending.push({ row: item.row, record: item.record });
              if (pending.length >= IMPORT_CHUNK) await flush();
            }
          }
          if (pending.length > 0) await flush();
          // Chunk rows may follow their document anywhere in the file: only now is it known which ones it carries.
          const settled = await replacedChunks.apply(tx, {
            generateEmbeddings: parsed.generate_embeddings,
            embedder,
            signal,
            cancelledMessage: CANCELLED,
          });
          chunksDeleted = settled.chunksDeleted;
          chunksRebuilt = settled.chunksRebuilt;
          generated += settled.embeddingsGenerated;
        },
        signal === undefined ? {} : { signal },
      );
    } finally {
      await reader.close().catch(() => undefined);
    }
    tracker.resize(found);
    tracker.tally(imported, errors.length);
    tracker.finish(`Imported ${imported} of ${found} rows${chunksRebuilt > 0 ? `, rebuilt ${chunksRebuilt} chunks` : ''}`);
    return {
      success: errors.length === 0,
      source_path: parsed.source_path,
      format,
      documents_found: found,
      documents_imported: imported,
      documents_failed: errors.length,
      embeddings_generated: generated,
      chunks_deleted: chunksDeleted,
      chunks_rebuilt: chunksRebuilt,
      errors,
    };
  });
}
