// A failed file-system call on a source path, as the CoreError an agent can act on.
import type { Stats } from 'node:fs';
import { CoreError } from '../errors/core-error.js';

/**
 * Maps the error of a file-system call on `path` (given as `field`) to FILE_NOT_FOUND (ENOENT, ENOTDIR),
 * NOT_A_FILE (EISDIR) or FILE_READ_FAILED (permissions, symlink loops, I/O), keeping it as the cause.
 * A CoreError, or anything else that is not a Node system error, is returned as is.
 */
export function fileError(error: unknown, path: string, field: string): unknown {
  if (error instanceof CoreError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === undefined) return error;
  const data = { field, path, cause_code: code };
  const where = `${field} "${path}"`;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new CoreError('FILE_NOT_FOUND', `${where} does not exist; check the path (relative paths are resolved against ${process.cwd()}).`, {
        data,
        cause: error,
      });
    case 'EISDIR':
      return notAFile(path, field, 'a directory');
    case 'EACCES':
    case 'EPERM':
      return new CoreError('FILE_READ_FAILED', `${where} cannot be read: permission denied. Make it readable by the server's user.`, {
        data,
        cause: error,
      });
    case 'ELOOP':
      return new CoreError(
        'FILE_READ_FAILED',
        `${where} is a symlink loop, or changed to a symlink while it was being opened, and was not read; fix the link, or try again if it was being replaced.`,
        { data, cause: error, retryable: true },
      );
    default:
      return new CoreError('FILE_READ_FAILED', `${where} could not be read (${(error as Error).message}); try again, and check the file if it persists.`, {
        data,
        cause: error,
      });
  }
}

/** The NOT_A_FILE error for `path`, which is `what` (`a directory`, `a FIFO`...) rather than a regular file. */
export function notAFile(path: string, field: string, what: string): CoreError {
  const hint = what === 'a directory' ? 'pass it as a directory source to read the files in it, or name a file inside it' : 'only regular files can be read';
  return new CoreError('NOT_A_FILE', `${field} "${path}" is ${what}, not a regular file; ${hint}.`, { data: { field, path, kind: what } });
}

/** What a file that is not a regular file is, for NOT_A_FILE messages. */
export function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symlink';
  return 'an unknown kind of file';
}
