// Where both Parquet writers stage their work: a fresh folder beside the target.
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { writeError } from '../text/text-file-sink.js';

/**
 * Creates a hidden folder of its own beside `path` and returns it; the caller removes it when done. It lives
 * beside the target, on the disk chosen for the export, not in a RAM-backed /tmp. Throws WRITE_FAILED.
 */
export async function makeStagingFolder(path: string): Promise<string> {
  const staging = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.staging`);
  try {
    await mkdir(staging);
  } catch (error) {
    throw writeError(staging, error);
  }
  return staging;
}
