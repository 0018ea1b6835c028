// batch_extract: text from files (under the allowed roots) and URLs (never internal addresses), added as documents.
import { join, relative, resolve } from 'node:path';
import { EXTRACT_FORMATS, type Extraction, type ExtractFormat, type Extractor, extractInline, isExtractError } from '@contextframe/extract';
import { z } from 'zod';
import { CoreError, type CoreErrorCode } from '../errors/core-error.js';
import { type BatchContext, resolveLimits } from '../engine/batch-context.js';
import type { ProgressSummary } from '../engine/collecting-progress-sink.js';
import { ProgressTracker } from '../engine/progress-tracker.js';
import { runBounded } from '../engine/run-bounded.js';
import { runOperation } from '../engine/run-operation.js';
import { ingestDocuments } from '../ingest/ingest-documents.js';
import { parseInput } from '../input/parse-input.js';
import { allowedRootsOf } from '../paths/allowed-roots.js';
import { expandFileSource, type SkipReason } from '../sources/expand-file-source.js';
import { fetchUrl } from '../sources/fetch-url.js';
import { readSourceFile } from '../sources/read-source-file.js';
import { DEFAULT_SOURCE_LIMITS } from '../sources/source-limits.js';

/** Most sources one call takes; a directory counts once here, and its files against `max_files`. */
export const MAX_EXTRACT_SOURCES = 1_000;

/** Most files one call extracts, all directories together. */
export const MAX_EXTRACT_FILES = 10_000;

/** One source: a file or directory path under the allowed roots, or an http(s) URL. */
export const ExtractSourceSchema = z
  .strictObject({
    path: z
      .string()
      .min(1)
      .max(4_096)
      .optional()
      .describe('A file or directory under the allowed roots (relative paths start at the working directory). A directory stands for every file below it.'),
    url: z.string().min(1).max(8_192).optional().describe('An http or https URL. Private, loopback and link-local addresses are refused unless the server allows them.'),
    type: z
      .enum(EXTRACT_FORMATS as [ExtractFormat, ...ExtractFormat[]])
      .optional()
      .describe('The format, when sniffing the content and the name would guess wrong. Default: detected.'),
  })
  .describe('Give exactly one of path and url.');

/** The input of batch_extract. */
export const BatchExtractInputSchema = z
  .strictObject({
    sources: z.array(ExtractSourceSchema).min(1).max(MAX_EXTRACT_SOURCES).describe('Files, directories and URLs to extract text from.'),
    add_to_dataset: z
      .boolean()
      .default(true)
      .describe('true: each extracted source becomes a document. false: nothing is written and each result carries the extracted content.'),
    shared_metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Metadata given to every document (keys naming record fields such as title or tags set those fields); it wins over what a file says of itself.'),
    collection: z.string().min(1).optional().describe('Collection of the new documents (shared_metadata.collection wins).'),
    continue_on_error: z
      .boolean()
      .default(true)
      .describe('true: sources that fail are listed and the rest are added. false: the first failure stops the call and nothing is added (TX_ROLLED_BACK).'),
    generate_embeddings: z.boolean().default(true).describe('Embed the new documents (and chunks) with the configured embedder.'),
    chunk_size: z.int().min(1).max(1_000_000).optional().describe('Also store each document as chunks of at most this many characters, as batch_add does.'),
    chunk_overlap: z.int().min(0).optional().describe('Characters repeated between neighbouring chunks; less than chunk_size.'),
    max_files: z
      .int()
      .min(1)
      .max(MAX_EXTRACT_FILES)
      .default(DEFAULT_SOURCE_LIMITS.maxFiles)
      .describe('Most files a directory source may expand to; a larger directory fails that source with TOO_MANY_FILES (nothing is cut off silently).'),
    max_parallel: z.int().min(1).max(16).default(4).describe('Sources read and extracted at the same time.'),
  })
  .describe('Extract text from files and URLs, and add it as documents.');

export type BatchExtractInput = z.input<typeof BatchExtractInputSchema>;

/** What happened to one source (one file of a directory source, each on its own). */
export interface ExtractSourceResult {
  /**
   * The path or URL as given; for a directory's files, the directory as given joined with the file's path
   * below it (the entries a directory left out, such as a symlink leading outside the roots, follow its files).
   */
  readonly source: string;
  readonly success: boolean;
  /** The new document's uuid, when it was added. */
  readonly document_id?: string;
  /** The format the content was read as; null when the source could not be read at all. */
  readonly format: ExtractFormat | null;
  /** Characters of extracted text. */
  readonly content_length: number;
  readonly title: string | null;
  /** The extracted text, only when add_to_dataset is false. */
  readonly content?: string;
  /** Where a URL's content finally came from, after redirects. */
  readonly final_url?: string;
  readonly error?: string;
  readonly code?: string;
}

/** The result of batch_extract. */
export interface BatchExtractResult {
  readonly success: boolean;
  readonly sources_processed: number;
  readonly sources_extracted: number;
  readonly sources_failed: number;
  readonly documents_added: number;
  readonly chunks_created: number;
  readonly results: ExtractSourceResult[];
  readonly progress: ProgressSummary;
}

/** A unit of work: one file or one URL. */
interface WorkItem {
  readonly source: string;
  readonly field: string;
  readonly type: ExtractFormat | undefined;
  readonly target: { readonly kind: 'file'; readonly path: string } | { readonly kind: 'url'; readonly url: string };
}

interface Succeeded {
  readonly ok: true;
  readonly extraction: Extraction;
  readonly sourceUri: string;
  readonly sourceType: 'file' | 'url';
  readonly finalUrl?: string;
}

type Extracted = Succeeded | { readonly ok: false; readonly format: ExtractFormat | null; readonly error: string; readonly code: CoreErrorCode };

/** TX_ROLLED_BACK for a stop-on-error call: nothing was added because source `index` failed. */
function stoppedError(index: number, source: string, code: string, error: string): CoreError {
  return new CoreError(
    'TX_ROLLED_BACK',
    `Nothing was added: source ${index} (${source}) failed with ${code}: ${error} Fix or remove that source and call again, or pass continue_on_error: true to add the others.`,
    { data: { item_index: index, source, code } },
  );
}

/** How a directory entry that was left out is reported; hidden entries are skipped without a report. */
const SKIP_CODES = {
  symlink_outside_roots: ['PATH_OUTSIDE_ROOTS', 'is a symlink leading outside the allowed roots; it was not read.'],
  symlink_to_directory: ['NOT_A_FILE', 'is a symlink to a directory, which is not followed; name the directory itself to read it.'],
  broken_symlink: ['FILE_NOT_FOUND', 'is a symlink to nothing.'],
  not_a_regular_file: ['NOT_A_FILE', 'is not a regular file (a FIFO, socket or device).'],
} as const satisfies Record<Exclude<SkipReason, 'hidden'>, readonly [CoreErrorCode, string]>;

// A source of neither or both kinds fails alone (continue_on_error) rather than failing the whole call.
function describeSource(source: z.output<typeof ExtractSourceSchema>): string {
  return source.path ?? source.url ?? '(no path or url)';
}

const inlineExtractor: Extractor = { extract: (input, options) => extractInline(input, options) };

/** Keys of a file's own metadata (front matter, PDF properties) that never set record fields. */
const ENGINE_KEYS = new Set(['uuid', 'record_type', 'source_type', 'source_uri']);

/** The document for one extraction: shared metadata wins over the collection argument, which wins over the file's own. */
function documentOf(extracted: Succeeded, input: z.output<typeof BatchExtractInputSchema>): { content: string; metadata: Record<string, unknown> } {
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extracted.extraction.metadata)) {
    if (ENGINE_KEYS.has(key)) own[`source_${key}`] = value;
    else own[key] = value;
  }
  const metadata: Record<string, unknown> = {
    ...own,
    ...(extracted.extraction.title === null ? {} : { title: own.title ?? extracted.extraction.title }),
    ...(input.collection === undefined ? {} : { collection: input.collection }),
    format: extracted.extraction.format,
    ...(extracted.finalUrl === undefined ? {} : { final_url: extracted.finalUrl }),
    ...input.shared_metadata,
    source_type: extracted.sourceType,
    source_uri: extracted.sourceUri,
  };
  // A file's own `title` or `tags` of the wrong type would fail the document; keep them as plain metadata then.
  for (const key of ['title', 'context', 'collection'] as const) {
    if (key in own && typeof metadata[key] !== 'string' && metadata[key] !== null) {
      metadata[`source_${key}`] = metadata[key];
      delete metadata[key];
    }
  }
  if ('tags' in metadata && !(Array.isArray(metadata.tags) && metadata.tags.every((tag) => typeof tag === 'string'))) {
    metadata.source_tags = metadata.tags;
    delete metadata.tags;
  }
  return { content: extracted.extraction.content, metadata };
}

/**
 * Extracts text from files, directories and URLs and (by default) adds one document per source through the
 * batch_add path (chunking, embedding, one transaction). Files must lie under the allowed roots and URLs must
 * not reach internal addresses unless the context's fetch policy allows it. Reading and extraction run with
 * bounded parallelism before any write; with continue_on_error false the first failure throws TX_ROLLED_BACK
 * naming the source, and nothing is written.
 */
export async function batchExtract(input: BatchExtractInput, context: BatchContext): Promise<BatchExtractResult> {
  return runOperation('batch_extract', context, async (tracker) => {
    const parsed = parseInput(BatchExtractInputSchema, input, 'batch_extract');
    if (parsed.chunk_overlap !== undefined && (parsed.chunk_size === undefined || parsed.chunk_overlap >= parsed.chunk_size)) {
      throw new CoreError('INVALID_INPUT', 'chunk_overlap needs chunk_size and must be less than it.', { data: { field: 'chunk_overlap' } });
    }
    const limits = resolveLimits(context.limits);
    const roots = allowedRootsOf(context);
    const extractor = context.extractor ?? inlineExtractor;
    const { signal } = context;
    const stopOnError = !parsed.continue_on_error;

    // Sources become work items; a directory becomes its files. A source that fails here fails alone.
    const items: WorkItem[] = [];
    const early = new Map<number, ExtractSourceResult>();
    const failEarly = (source: string, error: unknown): void => {
      const wire = CoreError.from(error, signal);
      if (wire.code === 'CANCELLED' || wire.code === 'INTERNAL') throw wire;
      const position = items.length + early.size;
      if (stopOnError) throw stoppedError(position, source, wire.code, wire.message);
      early.set(position, { source, success: false, format: null, content_length: 0, title: null, error: wire.message, code: wire.code });
    };
    for (const [index, source] of parsed.sources.entries()) {
      const field = `sources[${index}]`;
      if ((source.path === undefined) === (source.url === undefined)) {
        failEarly(describeSource(source), new CoreError('INVALID_INPUT', `${field} needs exactly one of path and url.`, { data: { field } }));
        continue;
      }
      if (source.url !== undefined) {
        items.push({ source: source.url, field: `${field}.url`, type: source.type, target: { kind: 'url', url: source.url } });
        continue;
      }
      const path = source.path!;
      try {
        const expanded = await expandFileSource(path, { roots, maxFiles: parsed.max_files, field: `${field}.path`, ...(signal === undefined ? {} : { signal }) });
        // A directory's files are shown as the directory as given, joined with their path below it.
        const base = resolve(path);
        const shown = (file: string): string => (expanded.directory ? join(path, relative(base, file)) : path);
        for (const file of expanded.files) {
          items.push({ source: shown(file), field: `${field}.path`, type: source.type, target: { kind: 'file', path: file } });
        }
        for (const skipped of expanded.skipped) {
          if (skipped.reason === 'hidden') continue;
          const [code, why] = SKIP_CODES[skipped.reason];
          failEarly(shown(skipped.path), new CoreError(code, `${shown(skipped.path)} ${why}`, { data: { path: skipped.path, reason: skipped.reason } }));
        }
      } catch (error) {
        failEarly(path, error);
      }
      if (items.length > MAX_EXTRACT_FILES) {
        throw new CoreError('BATCH_TOO_LARGE', `batch_extract reads at most ${MAX_EXTRACT_FILES} files per call; split the sources over several calls.`, {
          data: { limit: MAX_EXTRACT_FILES },
        });
      }
    }

    const total = items.length + early.size;
    // Where work item i sits among all sources: early failures keep their places in input order.
    const slots: number[] = [];
    for (let position = 0, next = 0; position < total; position++) if (!early.has(position)) slots[next++] = position;
    const slotOf = (index: number): number => slots[index]!;
    tracker.start(total, `Extracting ${total} sources`, { hold: parsed.add_to_dataset });
    tracker.advance(early.size, `${early.size} sources could not be read`);
    const fetchPolicy = context.fetchPolicy ?? {};
    let done = early.size;
    const extractOne = async (item: WorkItem, workSignal: AbortSignal): Promise<Extracted> => {
      try {
        let bytes: Uint8Array;
        let name: string;
        let contentType: string | undefined;
        let sourceUri: string;
        let finalUrl: string | undefined;
        if (item.target.kind === 'file') {
          const file = await readSourceFile(item.target.path, { roots, field: item.field, signal: workSignal });
          bytes = file.bytes;
          name = file.realPath;
          sourceUri = file.path;
        } else {
          const fetched = await fetchUrl(item.target.url, fetchPolicy, workSignal);
          bytes = fetched.bytes;
          name = new URL(fetched.finalUrl).pathname;
          contentType = fetched.contentType;
          sourceUri = item.target.url;
          if (fetched.finalUrl !== item.target.url) finalUrl = fetched.finalUrl;
        }
        const extraction = await extractor.extract(
          { bytes, name, ...(contentType === undefined ? {} : { contentType }), ...(item.type === undefined ? {} : { format: item.type }) },
          { signal: workSignal },
        );
        return { ok: true, extraction, sourceUri, sourceType: item.target.kind, ...(finalUrl === undefined ? {} : { finalUrl }) };
      } catch (error) {
        const wire = CoreError.from(error, workSignal);
        if (wire.code === 'CANCELLED' || wire.code === 'INTERNAL') throw wire;
        const format = isExtractError(error) ? ((error.data as { format?: ExtractFormat } | undefined)?.format ?? null) : null;
        return { ok: false, format, error: wire.message, code: wire.code };
      } finally {
        done++;
        tracker.advance(done, `Extracted ${done} of ${total} sources`);
      }
    };

    // Work in flight stops when the call is cancelled, and with stop-on-error at the first failure (nothing
    // will be added anyway); runBounded then rejects with that first failure.
    const work = new AbortController();
    const onAbort = (): void => work.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let extracted: Extracted[];
    try {
      extracted = await runBounded(
        items,
        Math.min(parsed.max_parallel, limits.maxParallel),
        async (item, index) => {
          const outcome = await extractOne(item, work.signal);
          if (!outcome.ok && stopOnError) {
            const stopped = stoppedError(slotOf(index), item.source, outcome.code, outcome.error);
            work.abort(stopped);
            throw stopped;
          }
          return outcome;
        },
        signal === undefined ? {} : { signal },
      );
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }

    const results: (ExtractSourceResult | undefined)[] = new Array(total);
    for (const [position, result] of early) results[position] = result;

    const successes: { slot: number; extracted: Succeeded }[] = [];
    extracted.forEach((outcome, index) => {
      const slot = slotOf(index);
      const item = items[index]!;
      if (!outcome.ok) {
        results[slot] = { source: item.source, success: false, format: outcome.format, content_length: 0, title: null, error: outcome.error, code: outcome.code };
        return;
      }
      successes.push({ slot, extracted: outcome });
      results[slot] = {
        source: item.source,
        success: true,
        format: outcome.extraction.format,
        content_length: outcome.extraction.content.length,
        title: outcome.extraction.title,
        ...(outcome.finalUrl === undefined ? {} : { final_url: outcome.finalUrl }),
        ...(parsed.add_to_dataset ? {} : { content: outcome.extraction.content }),
      };
    });

    let documentsAdded = 0;
    let chunksCreated = 0;
    if (parsed.add_to_dataset && successes.length > 0) {
      // The add reuses batch_add's pipeline; its own events stay internal, this call's progress is per source.
      const ingest = await ingestDocuments(
        successes.map(({ extracted: e }) => documentOf(e, parsed)),
        { generateEmbeddings: parsed.generate_embeddings, chunkSize: parsed.chunk_size, chunkOverlap: parsed.chunk_overlap },
        { atomic: stopOnError, maxParallel: Math.min(parsed.max_parallel, limits.maxParallel) },
        context,
        new ProgressTracker({ operation: 'batch_extract' }),
      );
      chunksCreated = ingest.chunksCreated;
      ingest.documentIds.forEach((id, i) => {
        const slot = successes[i]!.slot;
        if (id !== null) {
          documentsAdded++;
          results[slot] = { ...results[slot]!, document_id: id };
        }
      });
      for (const error of ingest.errors) {
        const slot = successes[error.item_index]!.slot;
        results[slot] = { ...results[slot]!, success: false, error: error.error, code: error.code };
      }
      if (ingest.stopped === 'cancelled') throw CoreError.from(signal?.reason, signal);
    }
    tracker.finish(`Extracted ${successes.length} of ${total} sources`);

    const final = results as ExtractSourceResult[];
    final.forEach((result, i) => { result.success ? tracker.itemSucceeded(i, result.document_id) : tracker.itemFailed(i, { error: result.error ?? '', code: result.code ?? 'INTERNAL' }); });
    const failed = final.filter((result) => !result.success).length;
    return {
      success: failed === 0,
      sources_processed: total,
      sources_extracted: total - failed,
      sources_failed: failed,
      documents_added: documentsAdded,
      chunks_created: chunksCreated,
      results: final,
    };
  });
}
