// batch_export: streams selected records to JSON, JSONL, CSV or Parquet files under an allowed root.
import { FORMATS, writeRecordJson, writeRecords } from '@contextframe/io';
import { z } from 'zod';
import type { BatchContext } from '../engine/batch-context.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import { runOperation } from '../engine/run-operation.js';
import { CoreError } from '../errors/core-error.js';
import { parseInput } from '../input/parse-input.js';
import { allowedRootsOf, checkAllowedPath } from '../paths/allowed-roots.js';
import { targetSelectionShape } from '../selection/target-selection.js';

// Records read from the store per batch: memory is bounded by this, not by the dataset.
const READ_BATCH = 1_000;

/** The input of batch_export. */
export const BatchExportInputSchema = z
  .strictObject({
    filter: targetSelectionShape.filter,
    document_ids: targetSelectionShape.document_ids,
    format: z.enum(FORMATS).describe('File format: json, jsonl, csv or parquet.'),
    include_embeddings: z.boolean().default(false).describe('Write each record\'s embedding too.'),
    output_path: z
      .string()
      .min(1)
      .describe('File (or existing directory) to write; must lie under an allowed root. Files are numbered: out/export.jsonl → out/export-00001.jsonl, ...'),
    chunk_size: z.int().min(1).max(10_000_000).default(1000).describe('Documents per file; a new numbered file starts every chunk_size documents.'),
    overwrite: z.boolean().default(false).describe('Replace existing files (default false: FILE_EXISTS and nothing is written).'),
  })
  .describe('Export records to files.');

export type BatchExportInput = z.input<typeof BatchExportInputSchema>;

/** The result of batch_export. */
export interface BatchExportResult {
  readonly success: boolean;
  readonly format: (typeof FORMATS)[number];
  readonly documents_exported: number;
  readonly files: { readonly path: string; readonly documents: number; readonly bytes: number }[];
  readonly progress: ProgressSummary;
}

/**
 * Exports the records a filter or id list selects (neither: all of them), streaming from the store, into
 * numbered files of `chunk_size` documents. Throws PATH_OUTSIDE_ROOTS, FILE_EXISTS (without overwrite),
 * FILE_NOT_FOUND (no such directory), CANCELLED; a failed or cancelled export leaves no file behind.
 */
export async function batchExport(input: BatchExportInput, context: BatchContext): Promise<BatchExportResult> {
  return runOperation('batch_export', context, async (tracker) => {
    const parsed = parseInput(BatchExportInputSchema, input, 'batch_export');
    if (parsed.filter !== undefined && parsed.document_ids !== undefined) {
      throw new CoreError('INVALID_INPUT', 'Give at most one of filter or document_ids (neither exports every record).', {
        data: { field: 'filter|document_ids' },
      });
    }
    const outputPath = await checkAllowedPath(parsed.output_path, allowedRootsOf(context), 'output_path');
    const total = parsed.document_ids?.length ?? (await context.dataset.count(parsed.filter ?? null));
    tracker.start(total, `Exporting ${total} records to ${parsed.format}`, { hold: true });
    let done = 0;
    const signal = context.signal;
    // Batches of anything, counted for progress as they pass.
    async function* counted<T>(batches: AsyncIterable<readonly T[]>): AsyncGenerator<readonly T[]> {
      for await (const batch of batches) {
        yield batch;
        done += batch.length;
        tracker.advance(done, `Exported ${done} records`);
      }
    }
    const selection = {
      filter: parsed.filter ?? null,
      ...(parsed.document_ids === undefined ? {} : { ids: parsed.document_ids }),
      includeEmbedding: parsed.include_embeddings,
      batchSize: READ_BATCH,
      ...(signal === undefined ? {} : { signal }),
    };
    const options = {
      outputPath,
      chunkSize: parsed.chunk_size,
      includeEmbeddings: parsed.include_embeddings,
      overwrite: parsed.overwrite,
      createDirectories: true,
      ...(signal === undefined ? {} : { signal }),
    };
    // JSON and JSONL text is built inside DuckDB, which spares decoding every record into JS and encoding it again.
    const written =
      parsed.format === 'json' || parsed.format === 'jsonl'
        ? await writeRecordJson(parsed.format, counted(context.dataset.scanJson(selection)), options)
        : await writeRecords(parsed.format, counted(context.dataset.scan(selection)), options);
    tracker.finish(`Exported ${written.documents} records`);
    return {
      success: true,
      format: parsed.format,
      documents_exported: written.documents,
      files: written.files.map((file) => ({ ...file })),
    };
  });
}
