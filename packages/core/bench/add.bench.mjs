// Benchmark: N documents through one batch_add against single-document batch_add calls, same run, HashEmbedder.
// Usage: node bench/add.bench.mjs [N=10000] [SINGLE=N] [BUDGET_S=300]; run after `pnpm build`. Prints a JSON line last
// and writes its figures to $CF_BENCH_OUT for `pnpm bench`.
// Each single call commits its own transaction (and embeds one text), so the singles stop early when they exceed
// BUDGET_S seconds; their rate is then measured over the calls that ran (reported as single_n), never extrapolated
// beyond rows/s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { batchAdd } from '../dist/index.js';
import { commandLine, writeBenchResult } from '../../../scripts/bench/bench-result.mjs';

const N = Number(process.argv[2] ?? 10_000);
const SINGLE = Number(process.argv[3] ?? N);
const BUDGET_S = Number(process.argv[4] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'cf-bench-core-add-'));
const embedder = new HashEmbedder();

function document(i) {
  return {
    content: `Document ${i} of the batch_add benchmark: a few sentences of ordinary text about topic ${i % 50}, so the embedder and the text index have real work to do.`,
    metadata: { title: `Document ${i}`, collection: `c${i % 10}`, tags: ['bench', `t${i % 7}`], n: i, bucket: i % 100 },
  };
}

try {
  const batch = await FrameDataset.open({ path: join(dir, 'batch.duckdb') });
  const documents = Array.from({ length: N }, (_, i) => document(i));
  let start = performance.now();
  const result = await batchAdd({ documents }, { dataset: batch, embedder });
  const batchSeconds = (performance.now() - start) / 1000;
  if (result.documents_added !== N || (await batch.count()) !== N) throw new Error('the batch add lost documents');
  await batch.close();

  const single = await FrameDataset.open({ path: join(dir, 'single.duckdb') });
  let singles = 0;
  start = performance.now();
  while (singles < SINGLE && (performance.now() - start) / 1000 < BUDGET_S) {
    await batchAdd({ documents: [document(singles)] }, { dataset: single, embedder });
    singles++;
  }
  const singleSeconds = (performance.now() - start) / 1000;
  if ((await single.count()) !== singles) throw new Error('the single adds lost documents');
  await single.close();

  const batchRate = N / batchSeconds;
  const singleRate = singles / singleSeconds;
  const ratio = batchRate / singleRate;
  console.log(`batch_add, ${N} documents in one call:     ${batchRate.toFixed(0)} rows/s (${batchSeconds.toFixed(2)} s)`);
  console.log(`batch_add, ${singles} calls of one document:  ${singleRate.toFixed(0)} rows/s (${singleSeconds.toFixed(2)} s)${singles < SINGLE ? ` [stopped at the ${BUDGET_S} s budget]` : ''}`);
  console.log(`ratio batch/single: ${ratio.toFixed(1)}x (target >= 20x)`);
  console.log(
    JSON.stringify({
      bench: 'core-batch-add',
      embedder: embedder.id,
      n: N,
      single_n: singles,
      batch_seconds: batchSeconds,
      single_seconds: singleSeconds,
      batch_rows_per_s: batchRate,
      single_rows_per_s: singleRate,
      ratio,
    }),
  );
  writeBenchResult({
    bench: 'core-add',
    section: 'core: `batch_add`',
    command: commandLine(import.meta.url),
    measurements: [
      {
        name: `one \`batch_add\` of ${N.toLocaleString('en-US')} documents`,
        value: batchRate,
        unit: 'rows/s',
        detail: `${batchSeconds.toFixed(2)} s`,
        baseline: {
          name: `${singles.toLocaleString('en-US')} \`batch_add\` calls of one document${singles < SINGLE ? ` (stopped at the ${BUDGET_S} s budget)` : ''}`,
          value: singleRate,
          unit: 'rows/s',
          detail: `${singleSeconds.toFixed(1)} s`,
        },
        ratio,
        target: { text: 'at least 20x single adds (#5)', met: ratio >= 20 },
      },
    ],
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
