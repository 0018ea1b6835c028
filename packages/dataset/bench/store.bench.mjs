// Benchmark: adding N records in one call against N single-record adds, on a DuckDB file, in one run.
// Usage: node bench/store.bench.mjs [N=100000] [SINGLE=N]; prints a JSON line last, for the report.
// Single-record adds each commit a transaction (one WAL sync each), so `pnpm bench` runs 10,000 of them and
// reports their steady rate in rows/s rather than spending a quarter of an hour on 100,000.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDataset } from '../dist/index.js';
import { commandLine, writeBenchResult } from '../../../scripts/bench/bench-result.mjs';

const N = Number(process.argv[2] ?? 100_000);
const SINGLE = Number(process.argv[3] ?? N);
const dir = mkdtempSync(join(tmpdir(), 'cf-bench-store-'));

function record(i) {
  return {
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    title: `Document ${i}`,
    content: `Record number ${i} of the store benchmark, with a few words of ordinary text to index.`,
    collection: `c${i % 10}`,
    tags: ['bench', `t${i % 7}`],
    metadata: { n: i, bucket: i % 100 },
  };
}

async function timed(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

try {
  const batch = await FrameDataset.open({ path: join(dir, 'batch.duckdb') });
  const records = Array.from({ length: N }, (_, i) => record(i));
  const batchSeconds = await timed(() => batch.add(records));
  if ((await batch.count()) !== N) throw new Error('batch add lost records');
  await batch.close();

  const single = await FrameDataset.open({ path: join(dir, 'single.duckdb') });
  const singleSeconds = await timed(async () => {
    for (let i = 0; i < SINGLE; i++) await single.add([record(i)]);
  });
  if ((await single.count()) !== SINGLE) throw new Error('single adds lost records');
  await single.close();

  const batchRate = N / batchSeconds;
  const singleRate = SINGLE / singleSeconds;
  console.log(`add ${N} records in one call:   ${batchRate.toFixed(0)} rows/s (${batchSeconds.toFixed(2)} s)`);
  console.log(`add ${SINGLE} records one by one: ${singleRate.toFixed(0)} rows/s (${singleSeconds.toFixed(2)} s)`);
  console.log(`ratio batch/single: ${(batchRate / singleRate).toFixed(1)}x`);
  console.log(JSON.stringify({ bench: 'store-add', n: N, single_n: SINGLE, batch_rows_per_s: batchRate, single_rows_per_s: singleRate, ratio: batchRate / singleRate }));
  writeBenchResult({
    bench: 'dataset-store',
    section: 'dataset: many-row writes',
    command: commandLine(import.meta.url),
    measurements: [
      {
        name: `one \`add\` call of ${N.toLocaleString('en-US')} records`,
        value: batchRate,
        unit: 'rows/s',
        detail: `${batchSeconds.toFixed(2)} s`,
        baseline: { name: `${SINGLE.toLocaleString('en-US')} \`add\` calls of one record`, value: singleRate, unit: 'rows/s', detail: `${singleSeconds.toFixed(1)} s` },
        ratio: batchRate / singleRate,
      },
    ],
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
