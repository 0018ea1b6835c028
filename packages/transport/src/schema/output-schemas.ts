// The shapes tools return in structuredContent, as zod schemas (turned into each tool's outputSchema).
import { ORDERABLE_FIELDS } from '@contextframe/dataset';
import { z } from 'zod';

/** An error result's `error`. */
export const WireErrorSchema = z
  .object({
    code: z.string().describe('Stable error code, e.g. FILTER_SYNTAX, CONFIRM_COUNT_MISMATCH, TX_ROLLED_BACK, INVALID_INPUT, INTERNAL.'),
    message: z.string().describe('What went wrong and what to do.'),
    details: z.unknown().optional().describe('Structured data about the failure (fields, counts, failed items).'),
    retryable: z.boolean().optional().describe('True when repeating the same call may succeed.'),
  })
  .describe('Why the call failed.');

/** Marks on a result trimmed to fit the response budget. */
export const truncationShape = {
  truncated: z.boolean().optional().describe('True when entries were left out to fit the response size budget.'),
  omitted: z.record(z.string(), z.int()).optional().describe('How many entries of each trimmed list were left out.'),
};

export const ProgressSummarySchema = z
  .object({
    total: z.int(),
    current: z.int(),
    updates: z.int().describe('Progress notifications sent.'),
    status: z.enum(['succeeded', 'partial', 'failed', 'cancelled', 'running']),
    elapsed_ms: z.number(),
  })
  .describe('How the batch went, in a few numbers.');

export const ItemErrorSchema = z.object({
  item_index: z.int().describe('Position of the failed item in the input (or among matched records).'),
  error: z.string(),
  code: z.string(),
});

const metadata = z.record(z.string(), z.unknown());

/** A stored record as tools return it; `embedding` only when asked for. */
export const RecordSchema = z.object({
  uuid: z.string(),
  collection: z.string().nullable(),
  title: z.string().nullable(),
  content: z.string(),
  context: z.string().nullable(),
  tags: z.array(z.string()),
  metadata,
  record_type: z.string(),
  parent_id: z.string().nullable(),
  chunk_index: z.int().nullable(),
  source_type: z.string().nullable(),
  source_uri: z.string().nullable(),
  content_hash: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  embedding: z.array(z.number()).nullable().optional(),
});

/** A record whose content may be left out (list_documents without content, update_document). */
export const RecordSummarySchema = RecordSchema.extend({ content: z.string().optional() });

export const SearchHitSchema = z.object({
  uuid: z.string(),
  title: z.string().nullable(),
  collection: z.string().nullable(),
  content: z.string(),
  tags: z.array(z.string()),
  metadata,
  record_type: z.string(),
  parent_id: z.string().nullable(),
  chunk_index: z.int().nullable(),
  score: z.number(),
  scores: z.object({ vector: z.number().optional(), text: z.number().optional() }),
});

const searchType = z.enum(['vector', 'text', 'hybrid']);

export const SearchQueryResultSchema = z.object({
  query: z.string(),
  search_type: searchType,
  success: z.boolean(),
  count: z.int().describe('Hits returned.'),
  results: z.array(SearchHitSchema),
  error: z.string().optional(),
  code: z.string().optional(),
  truncated: z.boolean().optional(),
  omitted: z.int().optional().describe('Hits left out to fit the response budget.'),
});

export const BatchSearchOutputSchema = z.object({
  searches_completed: z.int(),
  searches_failed: z.int(),
  results: z.array(SearchQueryResultSchema),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

export const BatchAddOutputSchema = z.object({
  success: z.boolean(),
  atomic: z.boolean(),
  documents_added: z.int(),
  documents_failed: z.int(),
  documents_skipped: z.int(),
  chunks_created: z.int(),
  document_ids: z.array(z.string().nullable()).describe("document_ids[i] is input document i's uuid, or null where it failed."),
  errors: z.array(ItemErrorSchema),
  stopped: z.enum(['cancelled', 'max_errors']).optional(),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

export const BatchUpdateOutputSchema = z.object({
  success: z.boolean(),
  documents_matched: z.int(),
  documents_updated: z.int(),
  documents_failed: z.int(),
  errors: z.array(ItemErrorSchema.extend({ uuid: z.string() })),
  not_found: z.array(z.string()),
  embeddings_regenerated: z.int(),
  chunks_updated: z.int().describe('Chunks of the updated documents changed in place (fields, metadata, or vectors when re-embedding).'),
  chunks_recreated: z.int().describe('Chunks made from changed content, in place of the old ones.'),
  chunks_deleted: z.int().describe('Chunks of old content removed.'),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

export const BatchDeleteOutputSchema = z.union([
  z.object({
    success: z.boolean(),
    dry_run: z.literal(true),
    documents_to_delete: z.int(),
    document_ids: z.array(z.string()).describe('The first 100 matching uuids.'),
    truncated: z.boolean().describe('True when more records match than document_ids lists.'),
    not_found: z.array(z.string()),
    warning: z.string().optional(),
    progress: ProgressSummarySchema,
    omitted: truncationShape.omitted,
  }),
  z.object({
    success: z.boolean(),
    dry_run: z.literal(false),
    documents_deleted: z.int(),
    not_found: z.array(z.string()),
    chunks_deleted: z.int(),
    progress: ProgressSummarySchema,
    ...truncationShape,
  }),
]);

export const BatchExportOutputSchema = z.object({
  success: z.boolean(),
  format: z.enum(['json', 'jsonl', 'csv', 'parquet']),
  documents_exported: z.int(),
  files: z.array(z.object({ path: z.string(), documents: z.int(), bytes: z.int() })).describe('Every file written, in order.'),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

export const BatchImportOutputSchema = z.object({
  success: z.boolean().describe('False when some rows were skipped as errors (within max_errors).'),
  source_path: z.string(),
  format: z.enum(['json', 'jsonl', 'csv', 'parquet']),
  documents_found: z.int(),
  documents_imported: z.int(),
  documents_failed: z.int(),
  embeddings_generated: z.int().describe('Vectors made by the embedder: for rows without one, and for rebuilt chunks.'),
  chunks_rebuilt: z.int().describe("Chunks cut from the new content of replaced chunked documents (on_conflict 'replace')."),
  chunks_deleted: z.int().describe('Stale chunks of replaced documents removed (those the file did not carry).'),
  errors: z.array(z.object({ row: z.int(), field: z.string().nullable(), error: z.string() })).describe('Rows not imported: 1-based row number, field at fault.'),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

const factValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]);

export const BatchEnhanceOutputSchema = z.object({
  success: z.boolean().describe('True when every selected record was written.'),
  enhancer: z.string().describe('The enhancer used: extractive (built in) or openai-chat:<model>.'),
  total_documents: z.int(),
  documents_enhanced: z.int(),
  documents_failed: z.int(),
  results: z
    .array(
      z.object({
        document_id: z.string(),
        written: z.boolean().describe('Written only when every requested enhancement succeeded.'),
        enhancements: z
          .object({
            context: z.string().optional(),
            tags: z.array(z.string()).optional().describe('As generated, before merging with the record\'s tags.'),
            title: z.string().optional(),
            metadata: z.record(z.string(), factValue).optional().describe('Facts as written into metadata.'),
          })
          .describe('What the enhancer produced.'),
        errors: z.array(z.object({ enhancement: z.enum(['context', 'tags', 'title', 'metadata']), error: z.string() })),
      }),
    )
    .describe('One per selected record, in selection order.'),
  not_found: z.array(z.string()).describe('Requested ids that are not in the dataset.'),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

const extractFormat = z.enum(['text', 'markdown', 'html', 'json', 'jsonl', 'csv', 'pdf', 'docx']);

export const BatchExtractOutputSchema = z.object({
  success: z.boolean().describe('False when any source failed.'),
  sources_processed: z.int().describe('Sources handled; a directory counts as its files.'),
  sources_extracted: z.int(),
  sources_failed: z.int(),
  documents_added: z.int(),
  chunks_created: z.int(),
  results: z
    .array(
      z.object({
        source: z.string().describe('The path or URL; for a directory, the path of each of its files.'),
        success: z.boolean(),
        document_id: z.string().optional().describe('The new document, when one was added.'),
        format: extractFormat.nullable().describe('The format the content was read as; null when it could not be read.'),
        content_length: z.int().describe('Characters of extracted text.'),
        title: z.string().nullable(),
        content: z.string().optional().describe('The extracted text, only with add_to_dataset: false.'),
        content_truncated: z.boolean().optional().describe('True when content was cut to fit the response size budget (content_length is the full length).'),
        final_url: z.string().optional().describe("Where a URL's content came from, after redirects."),
        error: z.string().optional(),
        code: z.string().optional().describe('Why it failed, e.g. PATH_OUTSIDE_ROOTS, URL_NOT_ALLOWED, UNSUPPORTED_FORMAT, EXTRACT_TIMEOUT.'),
      }),
    )
    .describe('One entry per source (per file of a directory), in input order.'),
  progress: ProgressSummarySchema,
  ...truncationShape,
});

export const SearchDocumentsOutputSchema = z.object({
  query: z.string(),
  search_type: searchType,
  count: z.int(),
  results: z.array(SearchHitSchema),
  ...truncationShape,
});

export const AddDocumentOutputSchema = z.object({
  document_id: z.string(),
  chunks_created: z.int(),
  embedded: z.boolean().describe('True when the document got a vector.'),
});

export const GetDocumentOutputSchema = z.object({
  document: RecordSchema,
  chunks: z.array(RecordSchema).optional(),
  ...truncationShape,
});

export const ListDocumentsOutputSchema = z.object({
  total_count: z.int().describe('Records matching the filter in all, not just this page.'),
  offset: z.int(),
  count: z.int().describe('Records in this page.'),
  has_more: z.boolean(),
  next_offset: z.int().nullable().describe('The offset of the next page, or null after the last.'),
  order_by: z.enum(ORDERABLE_FIELDS),
  documents: z.array(RecordSummarySchema),
  ...truncationShape,
});

export const UpdateDocumentOutputSchema = z.object({
  document: RecordSummarySchema.describe('The updated record, without its content.'),
  embedding_regenerated: z.boolean(),
});

export const DeleteDocumentOutputSchema = z.object({
  document_id: z.string(),
  deleted: z.literal(true),
  chunks_deleted: z.int(),
});

export const DatasetInfoOutputSchema = z.object({
  records: z.int(),
  documents: z.int(),
  chunks: z.int(),
  with_embeddings: z.int(),
  collections: z.array(z.object({ collection: z.string().nullable(), documents: z.int(), chunks: z.int(), records: z.int() })),
  embedding: z
    .object({ model: z.string().nullable(), dimensions: z.int() })
    .nullable()
    .describe("The model and dimensions of the dataset's stored vectors, or null before any were written."),
  embedder: z.object({
    id: z.string(),
    dimensions: z.int(),
    matches_dataset: z.boolean().describe('False when the configured embedder cannot search or add to this dataset.'),
  }),
  enhancer: z.string().describe('What batch_enhance uses: extractive (built in) or openai-chat:<model>.'),
  private_urls_allowed: z.boolean().describe('Whether batch_extract may fetch loopback and private addresses (--allow-private-urls).'),
  schema_version: z.int(),
  read_only: z.boolean(),
  limits: z.object({
    max_add_documents: z.int(),
    max_queries: z.int(),
    max_update_documents: z.int(),
    max_delete_documents: z.int(),
    max_enhance_documents: z.int(),
    max_response_bytes: z.int(),
  }),
});
