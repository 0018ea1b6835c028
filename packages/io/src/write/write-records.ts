// Writes records to one file or to numbered files of `chunkSize` records, all or nothing: every file is
// written under a temporary name and renamed only when all of them are complete.
import { randomBytes } from 'node:crypto';
import { link, mkdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type { FrameRecord } from '@contextframe/dataset';
import type { CsvOptions } from '../format-reader.js';
import { type Format, extensionFor } from '../format.js';
import { csvDialect } from '../csv/csv-dialect.js';
import { IoError, abortError } from '../io-error.js';
import { writeError } from '../text/text-file-sink.js';
import { createJsonTextSink } from '../json/json-writer.js';
import { createJsonlTextSink } from '../json/jsonl-writer.js';
import { writerFor } from './writers.js';

export interface WriteOptions {
  /**
   * A file path, or an existing directory (files are then named `export.<ext>`). With `chunkSize`, files
   * are numbered from the path's name: `out/export.jsonl` → `out/export-00001.jsonl`, `out/export-00002.jsonl`.
   */
  readonly outputPath: string;
  /** Records per file; without it, everything goes to one file. */
  readonly chunkSize?: number;
  /** Write embeddings (default false: the field is left out). */
  readonly includeEmbeddings?: boolean;
  /** Replace existing files (default false: FILE_EXISTS, and nothing is written). */
  readonly overwrite?: boolean;
  /**
   * Create the output directory when it is missing (default false: FILE_NOT_FOUND). Directories created here
   * are removed again when the export fails or `removeWritten` runs, if they are empty by then.
   */
  readonly createDirectories?: boolean;
  readonly csv?: CsvOptions;
  /** Cancels the export; every file written so far is removed and ABORTED thrown. */
  readonly signal?: AbortSignal;
}

/** One file an export wrote. */
export interface WrittenFile {
  readonly path: string;
  readonly documents: number;
  readonly bytes: number;
}

/** What an export wrote, and how to take it back. */
export interface WriteResult {
  readonly files: readonly WrittenFile[];
  readonly documents: number;
  readonly bytes: number;
  /** Deletes the files this export wrote (for a caller whose later step failed). Files already gone are fine. */
  removeWritten(): Promise<void>;
}

/** Records one at a time or in arrays, from any iterable. */
export type RecordSource = AsyncIterable<FrameRecord | readonly FrameRecord[]> | Iterable<FrameRecord | readonly FrameRecord[]>;

interface Planned {
  readonly target: string;
  readonly temp: string;
  documents: number;
  bytes: number;
}

/** How output files are named, and the directories created to hold them (outermost first). */
async function namer(
  format: Format,
  outputPath: string,
  chunked: boolean,
  createDirectories: boolean,
): Promise<{ nameOf: (index: number) => string; created: string[] }> {
  const created: string[] = [];
  let directory: string;
  let stem: string;
  let extension: string;
  const isDirectory = await stat(outputPath).then((s) => s.isDirectory(), () => false);
  if (isDirectory) {
    directory = outputPath;
    stem = 'export';
    extension = extensionFor(format);
  } else {
    directory = dirname(outputPath);
    extension = extname(outputPath);
    stem = basename(outputPath, extension);
    const parent = await stat(directory).then((s) => s.isDirectory(), () => false);
    if (!parent && createDirectories) {
      created.push(...(await createdBy(directory)));
    } else if (!parent) {
      throw new IoError('FILE_NOT_FOUND', `Cannot write "${outputPath}": directory "${directory}" does not exist. Create it first.`, {
        data: { path: outputPath, directory },
      });
    }
  }
  if (!chunked) return { nameOf: () => (isDirectory ? join(directory, `${stem}${extension}`) : outputPath), created };
  return { nameOf: (index) => join(directory, `${stem}-${String(index).padStart(5, '0')}${extension}`), created };
}

// Creates `directory` with its missing parents; returns those it created, outermost first.
async function createdBy(directory: string): Promise<string[]> {
  let first: string | undefined;
  try {
    first = await mkdir(directory, { recursive: true });
  } catch (error) {
    throw writeError(directory, error);
  }
  if (first === undefined) return [];
  const created = [directory];
  for (let dir = dirname(directory); dir.length >= first.length && dir !== dirname(dir); dir = dirname(dir)) created.unshift(dir);
  return created;
}

// Removes directories this export created, innermost first; one that is no longer empty stays.
async function removeDirectories(created: readonly string[]): Promise<void> {
  for (const dir of [...created].reverse()) await rmdir(dir).catch(() => undefined);
}

async function assertFree(path: string): Promise<void> {
  const exists = await stat(path).then(() => true, () => false);
  if (exists) {
    throw new IoError('FILE_EXISTS', `"${path}" already exists; choose another output path or pass overwrite: true.`, { data: { path } });
  }
}

/** Moves `from` to `to`; without `overwrite`, atomically refuses an existing `to` (link fails with EEXIST). */
async function place(from: string, to: string, overwrite: boolean): Promise<void> {
  try {
    if (overwrite) {
      await rename(from, to);
    } else {
      await link(from, to);
      await unlink(from);
    }
  } catch (error) {
    throw writeError(to, error);
  }
}

async function removeAll(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((path) => rm(path, { force: true })));
}

/** One output file being written from items of type T; a RecordSink is one for records. */
interface ItemSink<T> {
  write(items: readonly T[]): Promise<void>;
  finish(signal?: AbortSignal): Promise<number>;
  abort(): Promise<void>;
}

/**
 * Writes `records` as `format` (see WriteOptions for names). Nothing appears under a final name until every
 * file is complete; on failure or cancellation every file of this export is removed before the error is
 * thrown. An empty source still writes one file (an empty document list). Throws FILE_EXISTS, FILE_NOT_FOUND
 * (no such directory), INVALID_OPTIONS, INVALID_RECORD (a vector a text format cannot hold), WRITE_FAILED,
 * ABORTED.
 */
export async function writeRecords(format: Format, records: RecordSource, options: WriteOptions): Promise<WriteResult> {
  const writer = writerFor(format);
  const dialect = csvDialect(options.csv);
  const includeEmbeddings = options.includeEmbeddings ?? false;
  return writeFiles(format, (path) => writer.create(path, { includeEmbeddings, csv: dialect }), batchesOf(records), options);
}

/**
 * Writes records that are already JSON text, one JSON object per item (as `FrameDataset.scanJson` yields
 * them), to JSON or JSONL files exactly as `writeRecords` would name, split and place them. The text goes
 * into the files as it is: `includeEmbeddings` and `csv` do not apply. Throws as `writeRecords` does, and
 * UNSUPPORTED_FORMAT for csv or parquet.
 */
export async function writeRecordJson(format: Format, objects: AsyncIterable<readonly string[]> | Iterable<readonly string[]>, options: WriteOptions): Promise<WriteResult> {
  if (format !== 'json' && format !== 'jsonl') {
    throw new IoError('UNSUPPORTED_FORMAT', `writeRecordJson writes json or jsonl, not ${JSON.stringify(format)}; use writeRecords for other formats.`, {
      data: { format },
    });
  }
  return writeFiles(format, format === 'json' ? createJsonTextSink : createJsonlTextSink, objects, options);
}

// Records one at a time or in arrays, as arrays of up to 1,024 single records.
async function* batchesOf(records: RecordSource): AsyncGenerator<readonly FrameRecord[]> {
  let single: FrameRecord[] = [];
  for await (const item of records as AsyncIterable<FrameRecord | readonly FrameRecord[]>) {
    if (Array.isArray(item)) {
      if (single.length > 0) {
        yield single;
        single = [];
      }
      yield item as readonly FrameRecord[];
    } else {
      single.push(item as FrameRecord);
      if (single.length >= 1024) {
        yield single;
        single = [];
      }
    }
  }
  if (single.length > 0) yield single;
}

async function writeFiles<T>(
  format: Format,
  createSink: (path: string) => Promise<ItemSink<T>>,
  batches: AsyncIterable<readonly T[]> | Iterable<readonly T[]>,
  options: WriteOptions,
): Promise<WriteResult> {
  const { chunkSize, signal } = options;
  if (chunkSize !== undefined && !(Number.isSafeInteger(chunkSize) && chunkSize > 0)) {
    throw new IoError('INVALID_OPTIONS', `chunkSize must be a whole number above 0, got ${chunkSize}.`, { data: { chunkSize } });
  }
  const overwrite = options.overwrite ?? false;
  const { nameOf, created } = await namer(format, options.outputPath, chunkSize !== undefined, options.createDirectories ?? false);
  const limit = chunkSize ?? Number.POSITIVE_INFINITY;
  const planned: Planned[] = [];
  let sink: ItemSink<T> | null = null;
  let current: Planned | null = null;
  const placed: string[] = [];

  const openNext = async (): Promise<void> => {
    const target = nameOf(planned.length + 1);
    if (!overwrite) await assertFree(target);
    const temp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
    sink = await createSink(temp);
    current = { target, temp, documents: 0, bytes: 0 };
    planned.push(current);
  };
  const closeCurrent = async (): Promise<void> => {
    const done = sink!;
    sink = null;
    current!.bytes = await done.finish(signal);
    current = null;
  };
  const write = async (batch: readonly T[]): Promise<void> => {
    let start = 0;
    while (start < batch.length) {
      if (sink === null) await openNext();
      const room = limit - current!.documents;
      const part = start === 0 && batch.length <= room ? batch : batch.slice(start, start + room);
      await sink!.write(part);
      current!.documents += part.length;
      start += part.length;
      if (current!.documents >= limit) await closeCurrent();
    }
  };

  try {
    for await (const batch of batches) {
      if (signal?.aborted) throw abortError(signal, `Exporting to "${options.outputPath}"`);
      await write(batch);
    }
    if (signal?.aborted) throw abortError(signal, `Exporting to "${options.outputPath}"`);
    if (planned.length === 0) await openNext();
    if (sink !== null) await closeCurrent();
    if (signal?.aborted) throw abortError(signal, `Exporting to "${options.outputPath}"`);
    for (const file of planned) {
      await place(file.temp, file.target, overwrite);
      placed.push(file.target);
    }
  } catch (error) {
    if (sink !== null) await (sink as ItemSink<T>).abort().catch(() => undefined);
    await removeAll([...planned.map((file) => file.temp), ...placed]).catch(() => undefined);
    await removeDirectories(created);
    throw error;
  }

  const files: WrittenFile[] = planned.map(({ target, documents, bytes }) => ({ path: target, documents, bytes }));
  return {
    files,
    documents: files.reduce((sum, file) => sum + file.documents, 0),
    bytes: files.reduce((sum, file) => sum + file.bytes, 0),
    removeWritten: async () => {
      await removeAll(files.map((file) => file.path));
      await removeDirectories(created);
    },
  };
}
