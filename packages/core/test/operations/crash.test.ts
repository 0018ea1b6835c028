// A crash mid-import: a child process importing 200,000 rows is killed with SIGKILL; the dataset must then
// hold either none of them or all of them, never some.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FrameDataset } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';

const ROWS = 200_000;
const here = fileURLToPath(new URL('.', import.meta.url));
// The child runs the built packages, as a deployed server would (turbo builds before tests run).
const coreDist = resolve(here, '../../dist/index.js');
const datasetDist = resolve(here, '../../../dataset/dist/index.js');

const CHILD = `
const { batchImport } = await import(process.env.CORE_DIST);
const { FrameDataset, HashEmbedder } = await import(process.env.DATASET_DIST);
const dataset = await FrameDataset.open({ path: process.env.DATASET_PATH });
process.stdout.write('importing\\n');
const result = await batchImport(
  { source_path: process.env.SOURCE_PATH, format: 'jsonl', generate_embeddings: false },
  { dataset, embedder: new HashEmbedder(), allowedRoots: [process.env.ROOT] },
);
process.stdout.write('done ' + result.documents_imported + '\\n');
await dataset.close();
`;

async function writeSource(path: string): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < ROWS; i++) {
    const line = `${JSON.stringify({ uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, title: `Row ${i}`, content: `Row ${i} of the crash test, with some words to index.`, metadata: { n: i } })}\n`;
    if (!out.write(line)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
}

describe('batch_import under a crash', () => {
  it(
    'leaves none or all of 200,000 rows after the importing process is killed with SIGKILL mid-import',
    async () => {
      // The child runs dist/: `pnpm test` builds first; a bare vitest run needs `pnpm build` once.
      expect(existsSync(coreDist) && existsSync(datasetDist), 'run pnpm build first: the child imports dist/').toBe(true);
      const dir = { path: mkdtempSync(join(tmpdir(), 'cf-crash-')) };
      const source = join(dir.path, 'rows.jsonl');
      const datasetPath = join(dir.path, 'crash.duckdb');
      await writeSource(source);
      const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
        env: { ...process.env, CORE_DIST: coreDist, DATASET_DIST: datasetDist, DATASET_PATH: datasetPath, SOURCE_PATH: source, ROOT: dir.path },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (data: Buffer) => {
        output += data.toString();
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
      // Wait until the import is under way, give it time to write a good part of the rows, then kill it.
      while (!output.includes('importing')) await new Promise((resolve) => setTimeout(resolve, 50));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const finishedBeforeKill = output.includes('done');
      child.kill('SIGKILL');
      expect(await exited).toBe(finishedBeforeKill ? null : 'SIGKILL');

      const dataset = await FrameDataset.open({ path: datasetPath });
      try {
        const count = await dataset.count();
        expect([0, ROWS]).toContain(count);
        // Killed mid-way, the one import transaction never committed: nothing of it may be visible.
        if (!finishedBeforeKill) expect(count).toBe(0);
        expect(await dataset.search({ type: 'text', text: 'crash' })).toHaveLength(finishedBeforeKill ? 10 : 0);
      } finally {
        await dataset.close();
        rmSync(dir.path, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
