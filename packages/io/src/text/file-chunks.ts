// Reading a file as a sequence of byte chunks, with the errors a missing or unreadable file should give.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { IoError, abortError } from '../io-error.js';
import type { ReadProgress } from '../read/read-progress.js';

/** How many bytes each read asks for. Large enough to amortise per-chunk work, small enough to bound memory. */
export const CHUNK_SIZE = 1 << 20;

/** The number of bytes a UTF-8 byte order mark takes at the start of `bytes` (3), or 0. */
export function bomLength(bytes: Buffer): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}

/** Throws FILE_NOT_FOUND unless `path` is an existing regular file; returns its size in bytes. */
export async function assertReadableFile(path: string): Promise<number> {
  let stats: Awaited<ReturnType<typeof stat>>;
  try {
    stats = await stat(path);
  } catch (error) {
    throw fileError(path, error);
  }
  if (!stats.isFile()) {
    throw new IoError('FILE_NOT_FOUND', `"${path}" is not a file; give the path of a file to read.`, { data: { path } });
  }
  return stats.size;
}

/** The chunks of `path` in order; a new Buffer each time, so callers may keep them. Counts bytes into `progress`. */
export async function* readChunks(path: string, signal?: AbortSignal, progress?: ReadProgress): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  try {
    for (;;) {
      if (signal?.aborted) throw abortError(signal, `Reading "${path}"`);
      const buffer = Buffer.allocUnsafe(CHUNK_SIZE);
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_SIZE, null);
      if (bytesRead === 0) return;
      if (progress !== undefined) progress.done += bytesRead;
      yield bytesRead === CHUNK_SIZE ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** Reads a file in chunks that continue a carried-over prefix, so the prefix is copied, not the chunk. */
export interface ChunkReader {
  /**
   * `prefix` followed by the next bytes of the file (at least CHUNK_SIZE of them, and at least as many as
   * the prefix holds, so a long record is rescanned a logarithmic number of times); null at the end.
   */
  next(prefix: Buffer): Promise<Buffer | null>;
  close(): Promise<void>;
}

/** Opens `path` for `ChunkReader` reads; throws FILE_NOT_FOUND. Counts bytes into `progress`. */
export async function openChunkReader(path: string, signal?: AbortSignal, progress?: ReadProgress): Promise<ChunkReader> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(path, error);
  }
  let closed = false;
  return {
    async next(prefix) {
      if (closed) return null;
      if (signal?.aborted) throw abortError(signal, `Reading "${path}"`);
      const want = Math.max(CHUNK_SIZE, prefix.length);
      const buffer = Buffer.allocUnsafe(prefix.length + want);
      prefix.copy(buffer, 0);
      const { bytesRead } = await handle.read(buffer, prefix.length, want, null);
      if (bytesRead === 0) return null;
      if (progress !== undefined) progress.done += bytesRead;
      return buffer.subarray(0, prefix.length + bytesRead);
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}

/** Turns an fs error about `path` into an IoError that says what to do. */
export function fileError(path: string, error: unknown): IoError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new IoError('FILE_NOT_FOUND', `File "${path}" does not exist; check the path (relative paths start at the server's working directory).`, {
      data: { path },
      cause: error,
    });
  }
  if (code === 'EISDIR') {
    return new IoError('FILE_NOT_FOUND', `"${path}" is a directory; give the path of a file.`, { data: { path }, cause: error });
  }
  return new IoError('FILE_NOT_FOUND', `Cannot open "${path}" (${code ?? 'unknown error'}); check that it exists and is readable.`, {
    data: { path },
    cause: error,
  });
}
