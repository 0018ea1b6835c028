// Turns one path source into the files it names: itself, or every regular file below a directory, in a
// stable order, without ever following a link out of the allowed roots.
import type { Dirent, Stats } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { throwIfCancelled } from '../engine/cancellation.js';
import { CoreError } from '../errors/core-error.js';
import { parseInput } from '../input/parse-input.js';
import { checkAllowedPath, isInsideRoots, realRoots } from '../paths/allowed-roots.js';
import { describeKind, fileError, notAFile } from './file-error.js';
import { DEFAULT_SOURCE_LIMITS } from './source-limits.js';

/** Options of expandFileSource. */
export interface ExpandFileSourceOptions {
  /** Directories every file must really be under (symlinks resolved). */
  readonly roots: readonly string[];
  /** Most files a directory may expand to; more fails with TOO_MANY_FILES. Default 1000. */
  readonly maxFiles?: number;
  /** Deepest entry below the directory (its own entries are at depth 1); deeper fails with TOO_DEEP. Default 20. */
  readonly maxDepth?: number;
  /** Name of the input field for messages, e.g. `sources[2].path`. Default `path`. */
  readonly field?: string;
  readonly signal?: AbortSignal;
}

const optionsSchema = z.strictObject({
  roots: z.array(z.string().min(1)).min(1),
  maxFiles: z.int().min(1).max(1_000_000).default(DEFAULT_SOURCE_LIMITS.maxFiles),
  maxDepth: z.int().min(1).max(1_000).default(DEFAULT_SOURCE_LIMITS.maxDepth),
  field: z.string().min(1).default('path'),
  signal: z.instanceof(AbortSignal).optional(),
});

/**
 * Why an entry of a directory was not included:
 * - `hidden`: its name starts with `.` (`.git`, `.env`); hidden directories are not entered. Name a hidden
 *   file directly to read it.
 * - `symlink_outside_roots`: a symlink (or a directory that became one) leading out of the allowed roots.
 * - `symlink_to_directory`: a symlink to a directory inside the roots; not followed, so links cannot loop
 *   or repeat a tree. Name the directory itself to read it.
 * - `broken_symlink`: a symlink to nothing (or a loop).
 * - `not_a_regular_file`: a FIFO, socket or device.
 */
export type SkipReason = 'hidden' | 'symlink_outside_roots' | 'symlink_to_directory' | 'broken_symlink' | 'not_a_regular_file';

/** A directory entry left out of an expansion, and why. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: SkipReason;
}

/** The files one path source stands for. */
export interface ExpandedFileSource {
  /** True when the source was a directory. */
  readonly directory: boolean;
  /**
   * Absolute paths of regular files (a symlink to a file inside the roots is listed under its own path),
   * depth first with each directory's entries in code-unit order of their names.
   */
  readonly files: readonly string[];
  /** Entries left out, in the same order; never silently dropped. */
  readonly skipped: readonly SkippedEntry[];
}

/**
 * Expands `path` (relative to the working directory), which must really lie under one of `options.roots`:
 * a regular file is itself; a directory is every regular file below it (see ExpandedFileSource for the
 * order and SkipReason for what is left out). Only lists paths; readSourceFile checks each file again when
 * it opens it.
 *
 * Errors (CoreError): PATH_OUTSIDE_ROOTS, FILE_NOT_FOUND, NOT_A_FILE (a FIFO, socket or device),
 * TOO_MANY_FILES and TOO_DEEP (naming the cap; nothing is cut off silently), FILE_READ_FAILED,
 * INVALID_INPUT (bad options), CANCELLED.
 */
export async function expandFileSource(path: string, options: ExpandFileSourceOptions): Promise<ExpandedFileSource> {
  const { roots, maxFiles, maxDepth, field, signal } = parseInput(optionsSchema, options, 'expandFileSource');
  throwIfCancelled(signal);
  const absolute = await checkAllowedPath(path, roots, field);
  let stats: Stats;
  try {
    stats = await stat(absolute);
  } catch (error) {
    throw fileError(error, path, field);
  }
  if (stats.isFile()) return { directory: false, files: [absolute], skipped: [] };
  if (!stats.isDirectory()) throw notAFile(path, field, describeKind(stats));

  const rootPaths = await realRoots(roots);
  const files: string[] = [];
  const skipped: SkippedEntry[] = [];
  const addFile = (file: string): void => {
    if (files.length >= maxFiles) {
      throw new CoreError(
        'TOO_MANY_FILES',
        `${field} "${path}" holds more than ${maxFiles} files (the limit); name a subdirectory or specific files, or raise max_files.`,
        { data: { field, path, max_files: maxFiles } },
      );
    }
    files.push(file);
  };

  const walk = async (directory: string, depth: number): Promise<void> => {
    throwIfCancelled(signal);
    let entries: Dirent[];
    try {
      // A directory replaced by a symlink after its parent was listed must not lead out.
      if (!isInsideRoots(await realpath(directory), rootPaths)) {
        skipped.push({ path: directory, reason: 'symlink_outside_roots' });
        return;
      }
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      throw fileError(error, directory, field);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const visible = entries.filter((entry) => !entry.name.startsWith('.'));
    if (visible.length > 0 && depth >= maxDepth) {
      throw new CoreError(
        'TOO_DEEP',
        `${field} "${path}" nests deeper than ${maxDepth} levels (the limit), at "${directory}"; name a subdirectory, or raise max_depth.`,
        { data: { field, path, max_depth: maxDepth, at: directory } },
      );
    }
    for (const entry of entries) {
      const entryPath = join(directory, entry.name);
      if (entry.name.startsWith('.')) skipped.push({ path: entryPath, reason: 'hidden' });
      else if (entry.isDirectory()) await walk(entryPath, depth + 1);
      else if (entry.isFile()) addFile(entryPath);
      else if (entry.isSymbolicLink()) await linked(entryPath);
      else skipped.push({ path: entryPath, reason: 'not_a_regular_file' });
    }
  };

  const linked = async (link: string): Promise<void> => {
    let target: string;
    let kind: Stats;
    try {
      target = await realpath(link);
      kind = await stat(target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') {
        skipped.push({ path: link, reason: 'broken_symlink' });
        return;
      }
      throw fileError(error, link, field);
    }
    if (!isInsideRoots(target, rootPaths)) skipped.push({ path: link, reason: 'symlink_outside_roots' });
    else if (kind.isFile()) addFile(link);
    else if (kind.isDirectory()) skipped.push({ path: link, reason: 'symlink_to_directory' });
    else skipped.push({ path: link, reason: 'not_a_regular_file' });
  };

  await walk(absolute, 0);
  return { directory: true, files, skipped };
}
