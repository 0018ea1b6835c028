// Reads one file source under the allowed roots, judging the file that was actually opened, so a path
// swapped for a symlink between the check and the open cannot leak a file from elsewhere.
import { constants } from 'node:fs';
import { type FileHandle, open, readlink, realpath } from 'node:fs/promises';
import { z } from 'zod';
import { throwIfCancelled } from '../engine/cancellation.js';
import { CoreError } from '../errors/core-error.js';
import { parseInput } from '../input/parse-input.js';
import { checkAllowedPath, isInsideRoots, outsideRootsError, realRoots } from '../paths/allowed-roots.js';
import { describeKind, fileError, notAFile } from './file-error.js';
import { DEFAULT_SOURCE_LIMITS, formatBytes } from './source-limits.js';

// O_NOFOLLOW: the last component must not be a symlink when opened (we open the real path, so one appearing
// there is a swap). O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then refuses it.
// Both are 0 where the platform lacks them (Windows).
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

const READ_CHUNK = 1024 * 1024;

/** Options of readSourceFile. */
export interface ReadSourceFileOptions {
  /** Directories the file must really be under (symlinks resolved). */
  readonly roots: readonly string[];
  /** Largest file read, in bytes; larger fails with TOO_LARGE before reading. Default 20 MiB. */
  readonly maxBytes?: number;
  /** Name of the input field for messages, e.g. `sources[2].path`. Default `path`. */
  readonly field?: string;
  readonly signal?: AbortSignal;
}

const optionsSchema = z.strictObject({
  roots: z.array(z.string().min(1)).min(1),
  maxBytes: z.int().min(1).default(DEFAULT_SOURCE_LIMITS.maxBytes),
  field: z.string().min(1).default('path'),
  signal: z.instanceof(AbortSignal).optional(),
});

/** The bytes of one file source. */
export interface SourceFile {
  /** The path as resolved against the working directory (symlinks kept). */
  readonly path: string;
  /** Where the opened file really is (symlinks resolved). */
  readonly realPath: string;
  readonly bytes: Uint8Array;
}

/**
 * Reads the regular file at `path` (relative to the working directory) if it really lies under one of
 * `options.roots`. The path is checked, its real path opened read-only (O_NOFOLLOW, O_NONBLOCK), and then the
 * opened file itself is judged: on Linux by the kernel's own path for the descriptor (`/proc/self/fd/<fd>`),
 * which closes the check-then-open race. Elsewhere, or without /proc, only the check before opening stands.
 * The size is checked with fstat before reading, and again while reading in case the file grows.
 *
 * Errors (CoreError): PATH_OUTSIDE_ROOTS, FILE_NOT_FOUND, NOT_A_FILE, TOO_LARGE, FILE_READ_FAILED,
 * INVALID_INPUT (bad options), CANCELLED.
 */
export async function readSourceFile(path: string, options: ReadSourceFileOptions): Promise<SourceFile> {
  const { roots, maxBytes, field, signal } = parseInput(optionsSchema, options, 'readSourceFile');
  throwIfCancelled(signal);
  // Judged before the real path is known, so a missing path outside the roots is refused, not reported missing.
  const absolute = await checkAllowedPath(path, roots, field);
  const rootPaths = await realRoots(roots);
  let real: string;
  let handle: FileHandle;
  try {
    real = await realpath(absolute);
    if (!isInsideRoots(real, rootPaths)) throw outsideRootsError(path, roots, field);
    handle = await open(real, OPEN_FLAGS);
  } catch (error) {
    throw fileError(error, path, field);
  }
  try {
    const opened = await openedPath(handle, path, field);
    if (opened !== undefined && !isInsideRoots(opened, rootPaths)) {
      throw outsideRootsError(path, roots, field, '(the file opened was elsewhere: part of the path changed while it was being opened)');
    }
    const stats = await handle.stat();
    if (!stats.isFile()) throw notAFile(path, field, describeKind(stats));
    if (stats.size > maxBytes) throw tooLarge(path, field, maxBytes, `${stats.size} bytes`);
    const bytes = await readAll(handle, stats.size, maxBytes, signal, () => tooLarge(path, field, maxBytes, 'it grew while being read'));
    return { path: absolute, realPath: opened ?? real, bytes };
  } catch (error) {
    throw fileError(error, path, field);
  } finally {
    await handle.close();
  }
}

// The path the kernel has for the open descriptor (Linux), already free of symlinks; undefined where that
// cannot be known (no /proc, other platforms), in which case the check before opening is all there is.
async function openedPath(handle: FileHandle, path: string, field: string): Promise<string | undefined> {
  if (process.platform !== 'linux') return undefined;
  let link: string;
  try {
    link = await readlink(`/proc/self/fd/${handle.fd}`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (link.endsWith(' (deleted)')) {
    throw new CoreError('FILE_NOT_FOUND', `${field} "${path}" was deleted while it was being opened; check the path and try again.`, {
      data: { field, path },
    });
  }
  return link;
}

function tooLarge(path: string, field: string, maxBytes: number, seen: string): CoreError {
  return new CoreError(
    'TOO_LARGE',
    `${field} "${path}" is larger than the ${formatBytes(maxBytes)} limit (${seen}); nothing was read. Split the file or raise max_bytes.`,
    { data: { field, path, max_bytes: maxBytes } },
  );
}

// Reads to the end but never more than maxBytes + 1 bytes: one byte over is enough to know it is too large.
async function readAll(
  handle: FileHandle,
  expected: number,
  maxBytes: number,
  signal: AbortSignal | undefined,
  over: () => CoreError,
): Promise<Uint8Array> {
  const limit = maxBytes + 1;
  const chunks: Uint8Array[] = [];
  let total = 0;
  while (total < limit) {
    throwIfCancelled(signal);
    // Sized to the expected end (+1 to see EOF in the same read), within the chunk size and the limit.
    const size = Math.min(READ_CHUNK, limit - total, Math.max(expected - total + 1, 64 * 1024));
    const chunk = new Uint8Array(size);
    const { bytesRead } = await handle.read(chunk, 0, size, null);
    if (bytesRead === 0) break;
    chunks.push(chunk.subarray(0, bytesRead));
    total += bytesRead;
  }
  if (total > maxBytes) throw over();
  if (chunks.length === 1 && chunks[0]!.buffer.byteLength === total) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
