// Writes text to a new file in large buffered writes, and removes the file if asked to abort.
import { type FileHandle, open, rm } from 'node:fs/promises';
import { IoError } from '../io-error.js';

/** Text is encoded into buffers of this size, each written in one call. */
const BUFFER_SIZE = 1 << 20;

/**
 * A new file (created with O_EXCL: never an existing one) that accepts text. `append` encodes text into a
 * buffer at once (no string concatenation to flatten later); `flush` writes the full buffers.
 */
export class TextFileSink {
  readonly path: string;
  readonly #handle: FileHandle;
  #buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  #used = 0;
  #full: Buffer[] = [];
  #bytes = 0;
  #closed = false;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Creates `path`; throws FILE_EXISTS if it exists, WRITE_FAILED for any other failure. */
  static async create(path: string): Promise<TextFileSink> {
    try {
      return new TextFileSink(path, await open(path, 'wx'));
    } catch (error) {
      throw writeError(path, error);
    }
  }

  /** Bytes written so far (after `close`: the file's size). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Encodes `text` as UTF-8 into the current buffer; call `flush` now and then to write full buffers. */
  append(text: string): void {
    // A UTF-16 unit takes at most 3 UTF-8 bytes.
    if (text.length * 3 > BUFFER_SIZE - this.#used) {
      this.#rotate();
      if (text.length * 3 > BUFFER_SIZE) {
        this.#full.push(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.#used += this.#buffer.write(text, this.#used, 'utf8');
  }

  /** Writes every full buffer. */
  async flush(): Promise<void> {
    const buffers = this.#full;
    this.#full = [];
    for (const buffer of buffers) {
      try {
        const { bytesWritten } = await this.#handle.write(buffer, 0, buffer.length, null);
        this.#bytes += bytesWritten;
      } catch (error) {
        throw writeError(this.path, error);
      }
    }
  }

  #rotate(): void {
    if (this.#used === 0) return;
    this.#full.push(this.#buffer.subarray(0, this.#used));
    this.#buffer = Buffer.allocUnsafe(BUFFER_SIZE);
    this.#used = 0;
  }

  /** Writes what is left and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      this.#rotate();
      await this.flush();
    } finally {
      this.#closed = true;
      await this.#handle.close();
    }
  }

  /** Closes the file, dropping pending text, and deletes it. */
  async discard(): Promise<void> {
    this.#full = [];
    this.#used = 0;
    if (!this.#closed) {
      this.#closed = true;
      await this.#handle.close().catch(() => undefined);
    }
    await rm(this.path, { force: true });
  }
}

/** An fs error while writing `path`, as an IoError that says what to do. */
export function writeError(path: string, error: unknown): IoError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'EEXIST') {
    return new IoError('FILE_EXISTS', `"${path}" already exists; choose another output path or pass overwrite: true.`, { data: { path }, cause: error });
  }
  if (code === 'ENOENT') {
    return new IoError('FILE_NOT_FOUND', `Cannot write "${path}": its directory does not exist. Create the directory first.`, { data: { path }, cause: error });
  }
  return new IoError('WRITE_FAILED', `Cannot write "${path}" (${code ?? (error as Error).message}); check the disk space and permissions.`, {
    data: { path },
    cause: error,
  });
}
