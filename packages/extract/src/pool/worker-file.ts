// Where the worker script is. Workers run the built dist/extract-worker.js: Node 20 cannot run TypeScript in a thread.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ExtractError } from '../extract-error.js';

/**
 * The worker script's URL. Built, this module sits in dist/ next to extract-worker.js. Run from its TypeScript source
 * (tests, via the `@contextframe/source` condition) it uses the package's built worker, which turbo's test task
 * builds first; a missing build is WORKER_UNAVAILABLE with the command to run.
 */
export function workerFile(): URL {
  const here = import.meta.url;
  const file = here.endsWith('.ts') ? new URL('../../dist/extract-worker.js', here) : new URL('./extract-worker.js', here);
  if (!existsSync(fileURLToPath(file))) {
    throw new ExtractError(
      'WORKER_UNAVAILABLE',
      `The extraction worker script ${fileURLToPath(file)} is missing. Run \`pnpm --filter @contextframe/extract build\` (or \`pnpm build\`) first.`,
      { data: { path: fileURLToPath(file) } },
    );
  }
  return file;
}
