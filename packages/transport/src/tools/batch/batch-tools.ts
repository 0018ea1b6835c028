// The batch tools: one row per core operation (core's BATCH_OPERATIONS), adding what agents need to see.
import {
  BATCH_OPERATIONS,
  type BatchAddResult,
  type BatchDeleteResult,
  type BatchEnhanceResult,
  type BatchExportResult,
  type BatchExtractResult,
  type BatchImportResult,
  type BatchLimits,
  type BatchOperationName,
  type BatchSearchResult,
  type BatchUpdateResult,
} from '@contextframe/core';
import { FILTER_HELP } from '@contextframe/dataset';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { fitLists, fitListTexts, fitNestedHits, jsonBytes } from '../../results/size-budget.js';
import type { JsonSchema } from '../../schema/advertised-schema.js';
import {
  BatchAddOutputSchema,
  BatchDeleteOutputSchema,
  BatchEnhanceOutputSchema,
  BatchExportOutputSchema,
  BatchExtractOutputSchema,
  BatchImportOutputSchema,
  BatchSearchOutputSchema,
  BatchUpdateOutputSchema,
} from '../../schema/output-schemas.js';
import { type AnyToolSpec, defineTool } from '../tool-spec.js';

/** What transport adds to a core operation to make it a tool. */
interface BatchToolRow<R extends object> {
  readonly title: string;
  readonly description: (limits: BatchLimits) => string;
  readonly output: z.ZodType;
  readonly annotations: ToolAnnotations;
  readonly writes: boolean;
  readonly inputRules?: JsonSchema;
  readonly fit?: (result: R, budget: number) => R;
}

/** Exactly one of filter and document_ids, as JSON Schema (core checks it too, with a clearer message). */
export const SELECTION_RULES: JsonSchema = { oneOf: [{ required: ['filter'] }, { required: ['document_ids'] }] };

const number = (n: number): string => n.toLocaleString('en-US');

/**
 * One row per batch operation. Adding an operation to core's BATCH_OPERATIONS fails this file's typecheck
 * until its row is here: a title, a description, an output schema, annotations and (for big results) a trim.
 */
const BATCH_TOOL_ROWS = {
  batch_search: {
    title: 'Run many searches',
    description: (limits) =>
      `Run many searches in one call (up to ${number(limits.maxQueries)} queries); results come back in input order, one entry per query. ` +
      "Each query has a search_type: 'hybrid' (default; keywords and embeddings fused), 'vector' (embedding similarity) or 'text' (BM25 keywords), " +
      'a limit (default 10) and an optional filter. A query that fails (e.g. a bad filter) is reported in its own entry with success: false and a ' +
      'code such as FILTER_SYNTAX; the other queries still run. A result too large for the response budget keeps every query\'s best hits and is ' +
      'marked truncated: true. Reports progress per query when the request carries a progress token.\n\n' +
      `${FILTER_HELP}\n\n` +
      'Example: {"queries": [{"query": "vector databases", "limit": 5}, {"query": "invoice", "search_type": "text", "filter": "collection = \'finance\' AND created_at > \'2024-01-01\'"}]}',
    output: BatchSearchOutputSchema,
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    writes: false,
    fit: (result: BatchSearchResult, budget: number): BatchSearchResult => {
      const fitted = fitNestedHits(result.results, jsonBytes({ ...result, results: [] }) + 20, budget);
      return fitted.truncated ? { ...result, results: fitted.queries, truncated: true } as BatchSearchResult : result;
    },
  },
  batch_add: {
    title: 'Add many documents',
    description: (limits) =>
      `Add many documents in one call (up to ${number(limits.maxAddDocuments)}). Each document is { content, metadata }: metadata keys named ` +
      'uuid, collection, title, context, tags, record_type, source_type or source_uri set those record fields, the rest is stored as metadata. ' +
      'Documents are embedded with the configured embedder (shared_settings.generate_embeddings, default true) and can also be stored as chunks ' +
      '(shared_settings.chunk_size, in characters).\n' +
      'atomic (default true): every document is added or none; any failure fails the call with TX_ROLLED_BACK naming the failed document, and a ' +
      'cancelled call leaves the dataset unchanged. atomic: false adds the good documents and lists the failed ones in errors (with item_index); ' +
      'max_errors stops such a call early. document_ids[i] is input document i\'s new uuid (null where it failed). Reports progress per document ' +
      'when the request carries a progress token.\n' +
      'Example: {"documents": [{"content": "DuckDB is an in-process SQL database", "metadata": {"title": "DuckDB", "tags": ["db"], "status": "draft"}}], "shared_settings": {"collection": "notes"}}',
    output: BatchAddOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    writes: true,
    fit: (result: BatchAddResult, budget: number) => fitLists(result, ['document_ids', 'errors'], budget),
  },
  batch_update: {
    title: 'Update many records',
    description: (limits) =>
      'Change many records in one call, selected by filter or by document_ids (give exactly one). updates.metadata_updates is deep-merged into ' +
      "each record's metadata (null removes a key; keys named title, tags, collection, context, record_type, source_type or source_uri set those " +
      'fields); updates.content_template rewrites content from {{content}}, {{title}}, {{metadata.key}} and similar; changed content is embedded ' +
      'again unless regenerate_embeddings is false. A chunked document\'s chunks follow it: they get the same field and metadata changes, and ' +
      "new content is cut into new chunks with the document's chunk settings; select documents, not chunks (add AND parent_id IS NULL to a " +
      'filter that could match chunks).\n' +
      `Safety: when more records match than max_documents (default 1,000; at most ${number(limits.maxUpdateDocuments)}) the call fails with ` +
      'MAX_DOCUMENTS_EXCEEDED and changes nothing, so check the count first (list_documents returns total_count). atomic (default true): every ' +
      'record changes or none (TX_ROLLED_BACK); records changed by someone else meanwhile fail the call with TX_CONFLICT (retryable). Reports ' +
      'progress when the request carries a progress token.\n\n' +
      `${FILTER_HELP}\n\n` +
      'Example: {"filter": "collection = \'notes\' AND status = \'draft\'", "updates": {"metadata_updates": {"status": "reviewed", "tags": ["checked"]}}, "max_documents": 200}',
    output: BatchUpdateOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    writes: true,
    inputRules: SELECTION_RULES,
    fit: (result: BatchUpdateResult, budget: number) => fitLists(result, ['errors', 'not_found'], budget),
  },
  batch_delete: {
    title: 'Delete many records',
    description: (limits) =>
      'Delete many records, selected by filter or by document_ids (give exactly one). SAFE BY DEFAULT: dry_run defaults to true and only ' +
      'reports documents_to_delete and the first 100 matching ids; nothing is deleted until you call again with dry_run: false. With ' +
      'dry_run: false, pass confirm_count (the count from the dry run): if a different number of records match, the call fails with ' +
      `CONFIRM_COUNT_MISMATCH and deletes nothing. One call deletes at most ${number(limits.maxDeleteDocuments)} records (more fail with ` +
      'MAX_DOCUMENTS_EXCEEDED). Everything happens in one transaction, so a failed or cancelled call deletes nothing; the chunks of a ' +
      'deleted document go with it.\n\n' +
      `${FILTER_HELP}\n\n` +
      'Example: first {"filter": "status = \'obsolete\'"} (a dry run), then {"filter": "status = \'obsolete\'", "dry_run": false, "confirm_count": 42}',
    output: BatchDeleteOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    writes: true,
    inputRules: SELECTION_RULES,
    fit: (result: BatchDeleteResult, budget: number) =>
      fitLists(result as BatchDeleteResult & { document_ids?: string[] }, ['document_ids', 'not_found'], budget) as BatchDeleteResult,
  },
  batch_export: {
    title: 'Export records to files',
    description: () =>
      'Export records to JSON, JSONL, CSV or Parquet files: those a filter or document_ids select, or every record when neither is given. ' +
      'Records stream from the store, so any dataset size works. A new numbered file starts every chunk_size documents (default 1,000): ' +
      'output_path out/export.jsonl gives out/export-00001.jsonl, out/export-00002.jsonl, ... (an existing directory gets export-00001.<format>, ...). ' +
      'Missing directories of output_path are created (and removed again if the export fails). ' +
      'ALLOWED ROOTS: output_path must lie under one of the server\'s allowed roots (--allowed-roots, default the working directory), judged ' +
      'after following symlinks; anything else fails with PATH_OUTSIDE_ROOTS and writes nothing. Existing files are not replaced unless ' +
      'overwrite is true (FILE_EXISTS). A failed or cancelled export removes every file it wrote. include_embeddings (default false) writes the ' +
      'vectors too, so batch_import can restore them without re-embedding.\n\n' +
      `${FILTER_HELP}\n\n` +
      'Example: {"filter": "collection = \'notes\'", "format": "jsonl", "output_path": "exports/notes.jsonl", "include_embeddings": true}',
    output: BatchExportOutputSchema,
    annotations: { readOnlyHint: true, idempotentHint: false, openWorldHint: false },
    writes: false,
    fit: (result: BatchExportResult, budget: number) => fitLists(result, ['files'], budget),
  },
  batch_import: {
    title: 'Import records from a file',
    description: () =>
      'Import records from a JSON (array or {"documents": [...]}), JSONL, CSV or Parquet file (format: default from the extension). Source fields ' +
      'named like record fields (uuid, content, title, collection, tags, metadata, embedding, created_at, ...) fill them; mapping renames others ' +
      '(e.g. {"body": "content", "author": "metadata.author"}); unknown fields go to metadata unless validation.require_schema_match is true. ' +
      'ALLOWED ROOTS: source_path must lie under one of the server\'s allowed roots (--allowed-roots, default the working directory), judged ' +
      'after following symlinks; anything else fails with PATH_OUTSIDE_ROOTS. Bad rows are skipped and listed in errors ({ row, field, error }) ' +
      'while there are at most validation.max_errors of them (default 10); one more fails the import with TOO_MANY_ERRORS and imports nothing. ' +
      "Ids in the file are kept; an id that already exists follows on_conflict: 'error' (default; the row is a bad row), 'skip' or 'replace'. " +
      'Embeddings in the file with the dataset\'s dimension are kept; rows without one are embedded when generate_embeddings is true (default). ' +
      'Everything is written in one transaction: a failed or cancelled import leaves the dataset unchanged. Reports progress.\n' +
      'Example: {"source_path": "exports/notes-00001.jsonl", "on_conflict": "skip", "validation": {"max_errors": 0}}',
    output: BatchImportOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    writes: true,
    fit: (result: BatchImportResult, budget: number) => fitLists(result, ['errors'], budget),
  },
  batch_enhance: {
    title: 'Enhance many records',
    description: (limits) =>
      'Write a title, context (2-3 sentences on what the record covers and why it matters for your purpose), tags (topics, technologies, ' +
      'concepts; added to the existing ones) and key facts (flat metadata) into many records, selected by filter or by document_ids (give ' +
      'exactly one). enhancements lists which of "title", "context", "tags" and "metadata" to write; purpose says what the records are for ' +
      'and shapes the result. Uses the configured LLM (--llm-url, an OpenAI-compatible chat API; batch_size records per request) or, ' +
      'without one, the built-in extractive enhancer (title from the first heading or sentence, tags by TF-IDF against this dataset, context ' +
      'from the sentences that best cover them, facts: language, word_count, dates, urls). A record is written only when all its requested ' +
      'enhancements succeeded; the others are listed with their errors and left unchanged. The text index and updated_at follow.\n' +
      `Safety: when more records match than max_documents (default 1,000; at most ${number(limits.maxEnhanceDocuments)}) the call fails with ` +
      'MAX_DOCUMENTS_EXCEEDED and changes nothing. An LLM that keeps failing (after retries) fails the call with ENHANCER_FAILED (retryable ' +
      'for rate limits and timeouts) and nothing is written. Reports progress per batch.\n\n' +
      `${FILTER_HELP}\n\n` +
      'Example: {"filter": "collection = \'notes\' AND title IS NULL", "enhancements": ["title", "tags", "context"], "purpose": "a searchable engineering knowledge base"}',
    output: BatchEnhanceOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    writes: true,
    inputRules: SELECTION_RULES,
    fit: (result: BatchEnhanceResult, budget: number) => fitLists(result, ['results', 'not_found'], budget),
  },
  batch_extract: {
    title: 'Extract documents from files and URLs',
    description: (limits) =>
      'Extract text from files, directories and web pages and add each as a document (one call, many sources). Formats: text, markdown ' +
      '(YAML front matter becomes metadata, the first heading the title), html (the readable main text; scripts, styles and navigation ' +
      'dropped), json and jsonl (text fields joined), csv (rows as lines), pdf (text per page) and docx; each source is sniffed, or name ' +
      'its type. A directory stands for every file below it (hidden files skipped; at most max_files, default 1,000, or that source fails ' +
      'with TOO_MANY_FILES). Each added document gets source_type (file or url), source_uri, the format and what the file says of itself ' +
      '(front matter, PDF properties) as metadata; shared_metadata and collection apply to all and win over the file\'s own.\n' +
      "ALLOWED ROOTS: paths must lie under the server's allowed roots (--allowed-roots, default the working directory), judged after " +
      'following symlinks; others fail with PATH_OUTSIDE_ROOTS. URLS: http and https only; addresses that resolve to loopback, private, ' +
      'link-local, CGNAT or cloud-metadata ranges are refused (URL_NOT_ALLOWED) unless the server runs with --allow-private-urls; each ' +
      'fetch has a time limit, a size cap and at most 5 redirects. Every extraction runs in a worker thread with a time limit ' +
      '(EXTRACT_TIMEOUT), so a hostile file cannot stall the server.\n' +
      'continue_on_error (default true): failed sources are listed with a code (FILE_NOT_FOUND, UNSUPPORTED_FORMAT, EMPTY_CONTENT, ' +
      'URL_FETCH_FAILED, ...) and the rest are added. false: the first failure fails the call with TX_ROLLED_BACK and nothing is added. ' +
      'add_to_dataset: false writes nothing and returns each source\'s text instead. Documents go through batch_add\'s path (chunk_size, ' +
      `embeddings, one transaction). At most ${number(limits.maxAddDocuments)} documents per call. Reports progress per source.\n` +
      'Example: {"sources": [{"path": "docs/"}, {"url": "https://example.com/guide.html"}, {"path": "papers/intro.pdf"}], "collection": "reference", "shared_metadata": {"project": "atlas"}}',
    output: BatchExtractOutputSchema,
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    writes: true,
    fit: (result: BatchExtractResult, budget: number) => fitListTexts(result, 'results', 'content', budget),
  },
} satisfies { readonly [K in BatchOperationName]: BatchToolRow<Awaited<ReturnType<(typeof BATCH_OPERATIONS)[K]['run']>>> };

/** The batch tools, in core's order. */
export const BATCH_TOOLS: readonly AnyToolSpec[] = (Object.keys(BATCH_OPERATIONS) as BatchOperationName[]).map((name) => {
  const operation = BATCH_OPERATIONS[name] as (typeof BATCH_OPERATIONS)[BatchOperationName];
  const row = BATCH_TOOL_ROWS[name] as BatchToolRow<object>;
  return defineTool<object>({
    name,
    ...row,
    input: operation.inputSchema,
    reportsProgress: true,
    // Core validates the arguments itself, item by item, so one bad document fails only itself when atomic is false.
    run: (args, context) => (operation.run as (input: unknown, ctx: typeof context) => Promise<object>)(args, context),
  });
});
