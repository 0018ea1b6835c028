// Shared test helpers: temp folders with real files, coded-error expectations, and the built-worker check.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { type ExtractErrorCode, ExtractError } from '../src/index.js';

/** A temp folder; `file` writes bytes to a real file there and reads them back, as an ingest would. */
export function tempDir(prefix = 'cf-extract-test-'): { path: string; file(name: string, bytes: Uint8Array | string): Uint8Array; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: (name, bytes) => {
      const target = join(path, name);
      writeFileSync(target, bytes);
      return new Uint8Array(readFileSync(target));
    },
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Awaits `promise`, expects an ExtractError with `code`, and returns it for further checks. */
export async function expectExtractError(promise: Promise<unknown>, code: ExtractErrorCode): Promise<ExtractError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected ${code}, got a result: ${JSON.stringify(value).slice(0, 200)}`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExtractError);
  expect((error as ExtractError).code, (error as Error).message).toBe(code);
  return error as ExtractError;
}

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const builtWorker = join(packageRoot, 'dist', 'extract-worker.js');

/**
 * Worker-pool tests run the built worker (dist/extract-worker.js: Node 20 cannot run TypeScript in a thread);
 * `pnpm test` builds first through turbo. This fails clearly when the build is missing or older than the sources,
 * so a test never passes against stale worker code.
 */
export function requireBuiltWorker(): void {
  let built: number;
  try {
    built = statSync(builtWorker).mtimeMs;
  } catch {
    throw new Error(`${builtWorker} is missing: run \`pnpm --filter @contextframe/extract build\` (or pnpm build) first`);
  }
  const newest = newestMtime(join(packageRoot, 'src'));
  if (newest > built) throw new Error(`${builtWorker} is older than src/: run \`pnpm --filter @contextframe/extract build\` again`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}
