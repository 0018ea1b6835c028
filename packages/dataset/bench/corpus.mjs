// Loads the shared benchmark corpus (real npm package summaries with fixed 384-d vectors), making it if missing.
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const shared = resolve(here, '../../../../shared/bench/make-corpus.mjs');
const npmList = '/work/.library/env/packages/npm.tsv';

/** Path of a corpus of `n` documents with vectors: CF_CORPUS if set, else made under the temp folder. */
export function corpusPath(n) {
  if (process.env.CF_CORPUS) return process.env.CF_CORPUS;
  const path = join(process.env.TMPDIR ?? '/tmp', `cf-corpus-${n}.jsonl`);
  if (!existsSync(path)) {
    execFileSync(process.execPath, [shared, process.env.CF_NPM_TSV ?? npmList, String(n), path], { stdio: 'inherit' });
  }
  return path;
}

/** Reads the first `n` records of a corpus file. */
export async function readCorpus(path, n) {
  const records = [];
  const lines = createInterface({ input: createReadStream(path) });
  for await (const line of lines) {
    if (records.length >= n) break;
    const record = JSON.parse(line);
    record.embedding = Float32Array.from(record.embedding);
    records.push(record);
  }
  lines.close();
  return records;
}
