// Every batch operation by its tool name, so transport can register them in one loop.
import type { z } from 'zod';
import type { BatchContext } from '../engine/batch-context.js';
import { batchAdd, BatchAddInputSchema } from './batch-add.js';
import { batchDelete, BatchDeleteInputSchema } from './batch-delete.js';
import { batchEnhance, BatchEnhanceInputSchema } from './batch-enhance.js';
import { batchExport, BatchExportInputSchema } from './batch-export.js';
import { batchExtract, BatchExtractInputSchema } from './batch-extract.js';
import { batchImport, BatchImportInputSchema } from './batch-import.js';
import { batchSearch, BatchSearchInputSchema } from './batch-search.js';
import { batchUpdate, BatchUpdateInputSchema } from './batch-update.js';

/** One operation: its zod input schema and the function that runs it. */
export interface BatchOperation<S extends z.ZodType = z.ZodType, R = unknown> {
  readonly name: string;
  readonly inputSchema: S;
  readonly run: (input: z.input<S>, context: BatchContext) => Promise<R>;
}

function operation<S extends z.ZodType, R>(name: string, inputSchema: S, run: BatchOperation<S, R>['run']): BatchOperation<S, R> {
  return Object.freeze({ name, inputSchema, run });
}

/** The batch operations, keyed by tool name. */
export const BATCH_OPERATIONS = Object.freeze({
  batch_search: operation('batch_search', BatchSearchInputSchema, batchSearch),
  batch_add: operation('batch_add', BatchAddInputSchema, batchAdd),
  batch_update: operation('batch_update', BatchUpdateInputSchema, batchUpdate),
  batch_delete: operation('batch_delete', BatchDeleteInputSchema, batchDelete),
  batch_export: operation('batch_export', BatchExportInputSchema, batchExport),
  batch_import: operation('batch_import', BatchImportInputSchema, batchImport),
  batch_enhance: operation('batch_enhance', BatchEnhanceInputSchema, batchEnhance),
  batch_extract: operation('batch_extract', BatchExtractInputSchema, batchExtract),
});

export type BatchOperationName = keyof typeof BATCH_OPERATIONS;
