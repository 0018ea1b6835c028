// A temporary folder per test, removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Makes a temp folder and returns it with a disposer (use with `await using` or call `remove`). */
export function tempDir(prefix = 'cf-test-'): { path: string; remove(): void; [Symbol.dispose](): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  const remove = () => rmSync(path, { recursive: true, force: true });
  return { path, remove, [Symbol.dispose]: remove };
}
