// list_documents: one page of records matching a filter, with the true total count.
import { parseInput } from '@contextframe/core';
import { FILTER_HELP, ORDERABLE_FIELDS, type OrderableField } from '@contextframe/dataset';
import { z } from 'zod';
import { fitLists } from '../../results/size-budget.js';
import { ListDocumentsOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';
import { type RecordOutput, recordOutput } from './record-output.js';

const ListDocumentsInputSchema = z
  .strictObject({
    filter: z.string().optional().describe("Only records matching this filter, e.g. \"collection = 'notes' AND status = 'draft'\". Default: every record."),
    limit: z.int().min(1).max(1000).default(50).describe('Records per page.'),
    offset: z.int().min(0).default(0).describe('Records to skip: pass next_offset from the previous page.'),
    order_by: z.enum(ORDERABLE_FIELDS).default('created_at').describe('Field to sort by; ties are broken by uuid.'),
    order: z.enum(['asc', 'desc']).default('asc'),
    include_chunks: z.boolean().default(false).describe("Also list chunk records (record_type 'chunk'); by default only documents and other records."),
    include_content: z.boolean().default(true).describe('false: leave content out (smaller pages when you only need fields and metadata).'),
  })
  .describe('Which page of which records.');

interface ListDocumentsResult {
  readonly total_count: number;
  readonly offset: number;
  readonly count: number;
  readonly has_more: boolean;
  readonly next_offset: number | null;
  readonly order_by: OrderableField;
  readonly documents: RecordOutput[];
  readonly truncated?: boolean;
  readonly omitted?: { readonly [field: string]: number };
}

/** Chunks are left out unless asked for; the agent's filter goes first so error positions in it stay close to what was sent. */
function effectiveFilter(filter: string | undefined, includeChunks: boolean): string | null {
  const own = filter === undefined || filter.trim() === '' ? null : filter;
  if (includeChunks) return own;
  return own === null ? "record_type != 'chunk'" : `(${own}) AND record_type != 'chunk'`;
}

/** list_documents: a page of records with the true total count. */
export const listDocuments = defineTool<ListDocumentsResult>({
  name: 'list_documents',
  title: 'List documents',
  description: () =>
    'List records matching a filter, one page at a time, with total_count (all matches, not just this page), has_more and next_offset. ' +
    'Chunk records are left out unless include_chunks is true. A page too large for the response budget is cut short and marked ' +
    'truncated: true; next_offset then continues right after the last record returned.\n\n' +
    `${FILTER_HELP}\n\n` +
    'Example: {"filter": "collection = \'notes\' AND \'urgent\' IN tags", "order_by": "updated_at", "order": "desc", "limit": 20}',
  input: ListDocumentsInputSchema,
  output: ListDocumentsOutputSchema,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  writes: false,
  reportsProgress: false,
  run: async (args, context) => {
    const input = parseInput(ListDocumentsInputSchema, args, 'list_documents');
    const filter = effectiveFilter(input.filter, input.include_chunks);
    const { records, total } = await context.dataset.read(async (reader) => ({
      records: await reader.query({ filter, limit: input.limit, offset: input.offset, orderBy: [{ field: input.order_by, direction: input.order }] }),
      total: await reader.count(filter),
    }));
    const end = input.offset + records.length;
    return {
      total_count: total,
      offset: input.offset,
      count: records.length,
      has_more: end < total,
      next_offset: end < total ? end : null,
      order_by: input.order_by,
      documents: records.map((record) => recordOutput(record, { withoutContent: !input.include_content })),
    };
  },
  fit: (result, budget) => {
    const fitted = fitLists(result, ['documents'], budget);
    if (fitted === result) return result;
    // Paging continues right after the last record that fit.
    const end = result.offset + fitted.documents.length;
    return { ...fitted, count: fitted.documents.length, has_more: end < result.total_count, next_offset: end < result.total_count ? end : null };
  },
});
