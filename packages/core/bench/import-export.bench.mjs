// Benchmark: batch_import and batch_export of N JSONL records against DuckDB's own read_json / COPY on the same
// files, in one run; with `--rss`, peak RSS of an import+export at 100k and at N, each in a child process, with
// DuckDB's default memory limit and with the bounded ones a server would run large imports under.
// Usage: node bench/import-export.bench.mjs [N=1000000] [--rss] [--memory-limit=<size>]
// The corpus is the shared npm-summaries corpus without vectors (about 160k documents; larger N repeat them with
// fresh uuids). Imports run with generate_embeddings: false, so the figure is the import pipeline itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { FrameDataset, HashEmbedder } from '@contextframe/dataset';
import { batchExport, batchImport } from '../dist/index.js';
import { commandLine, writeBenchResult } from '../../../scripts/bench/bench-result.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const N = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const mode = args.includes('--child') ? 'child' : 'main';
// DuckDB's memory_limit for the dataset (`--memory-limit=256MB`); without it, DuckDB's default (80% of RAM).
const memoryLimit = args.find((a) => a.startsWith('--memory-limit='))?.slice('--memory-limit='.length);
/**
 * The limits the bounded RSS runs use, as a server operator would set `--memory-limit` for large imports: the
 * 1M peak is about the process's base plus what DuckDB caches up to its limit, so each shows where that lands.
 */
const RSS_MEMORY_LIMITS = ['256MB', '128MB'];

async function makeSource(path, n) {
  const corpus = join(tmpdir(), 'cf-corpus-novec.jsonl');
  if (!existsSync(corpus)) {
    const script = resolve(here, '../../../../shared/bench/make-corpus.mjs');
    execFileSync(process.execPath, [script, process.env.CF_NPM_TSV ?? '/work/.library/env/packages/npm.tsv', '1000000', corpus, '--no-vectors'], { stdio: 'ignore' });
  }
  const docs = [];
  for await (const line of createInterface({ input: createReadStream(corpus) })) if (line) docs.push(JSON.parse(line));
  const out = createWriteStream(path);
  for (let i = 0; i < n; i++) {
    const doc = docs[i % docs.length];
    const line = JSON.stringify({ ...doc, uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, metadata: { ...doc.metadata, n: i } });
    if (!out.write(`${line}\n`)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
}

async function ours(dir, source) {
  const dataset = await FrameDataset.open({ path: join(dir, 'ours.duckdb'), ...(memoryLimit === undefined ? {} : { memoryLimit }) });
  const context = { dataset, embedder: new HashEmbedder(), allowedRoots: [dir, dirname(source)] };
  let start = performance.now();
  const imported = await batchImport({ source_path: source, format: 'jsonl', generate_embeddings: false }, context);
  const importS = (performance.now() - start) / 1000;
  if (imported.documents_imported !== N) throw new Error(`imported ${imported.documents_imported} of ${N}`);
  start = performance.now();
  const exported = await batchExport({ format: 'jsonl', output_path: join(dir, 'export.jsonl'), chunk_size: N }, context);
  const exportS = (performance.now() - start) / 1000;
  if (exported.documents_exported !== N) throw new Error(`exported ${exported.documents_exported} of ${N}`);
  await dataset.close();
  return { importS, exportS };
}

// DuckDB's own writer on the same stored records: the dataset's table, every column, to JSONL. Not in the RSS
// children: their peak must be the import and export alone.
async function nativeTableExport(dir) {
  const instance = await DuckDBInstance.create(join(dir, 'ours.duckdb'));
  const connection = await instance.connect();
  const start = performance.now();
  await connection.run(`COPY cf_documents TO '${join(dir, 'native-table-out.jsonl').replaceAll("'", "''")}' (FORMAT json)`);
  const seconds = (performance.now() - start) / 1000;
  connection.closeSync();
  instance.closeSync();
  return seconds;
}

async function native(dir, source) {
  const instance = await DuckDBInstance.create(join(dir, 'native.duckdb'));
  const connection = await instance.connect();
  let start = performance.now();
  await connection.run(`CREATE TABLE t AS SELECT * FROM read_json($1, format = 'newline_delimited')`, [source]);
  const importS = (performance.now() - start) / 1000;
  start = performance.now();
  await connection.run(`COPY t TO '${join(dir, 'native-out.jsonl').replaceAll("'", "''")}' (FORMAT json)`);
  const exportS = (performance.now() - start) / 1000;
  connection.closeSync();
  instance.closeSync();
  return { importS, exportS };
}

const dir = mkdtempSync(join(tmpdir(), 'cf-bench-ie-'));
try {
  if (mode === 'child') {
    // The parent wrote the source file: this process never holds the corpus, so its peak is the import and
    // export alone.
    const source = args.find((a) => a.startsWith('--source='))?.slice('--source='.length);
    if (source === undefined) throw new Error('--child needs --source=<file>');
    await ours(dir, source);
    console.log(JSON.stringify({ n: N, max_rss_mb: process.resourceUsage().maxRSS / 1024 }));
  } else {
    const source = join(dir, 'source.jsonl');
    await makeSource(source, N);
    const base = await native(dir, source);
    const mine = await ours(dir, source);
    mine.nativeTableExportS = await nativeTableExport(dir);
    const result = {
      bench: 'import-export',
      n: N,
      import_rows_per_s: N / mine.importS,
      native_import_rows_per_s: N / base.importS,
      import_ratio: base.importS / mine.importS,
      export_rows_per_s: N / mine.exportS,
      native_export_rows_per_s: N / base.exportS,
      export_ratio: base.exportS / mine.exportS,
      native_table_export_rows_per_s: N / mine.nativeTableExportS,
      table_export_ratio: mine.nativeTableExportS / mine.exportS,
    };
    console.log(`batch_import ${N} JSONL rows: ${result.import_rows_per_s.toFixed(0)} rows/s; DuckDB read_json: ${result.native_import_rows_per_s.toFixed(0)} rows/s; ratio ${result.import_ratio.toFixed(3)}x (target 0.5x)`);
    console.log(`batch_export ${N} rows to JSONL: ${result.export_rows_per_s.toFixed(0)} rows/s; DuckDB COPY: ${result.native_export_rows_per_s.toFixed(0)} rows/s; ratio ${result.export_ratio.toFixed(3)}x; DuckDB COPY of the dataset's table: ${result.native_table_export_rows_per_s.toFixed(0)} rows/s, ratio ${result.table_export_ratio.toFixed(3)}x (target 0.5x)`);
    const rss = [];
    if (args.includes('--rss')) {
      for (const limit of [undefined, ...RSS_MEMORY_LIMITS]) {
        const sizes = [];
        for (const n of [100_000, N]) {
          const sized = n === N ? source : join(dir, `source-${n}.jsonl`);
          if (!existsSync(sized)) await makeSource(sized, n);
          const flags = [String(n), '--child', `--source=${sized}`, ...(limit === undefined ? [] : [`--memory-limit=${limit}`])];
          const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...flags], { encoding: 'utf8' });
          if (child.status !== 0) throw new Error(`the RSS child for ${n} rows failed: ${child.stderr}`);
          const line = child.stdout.trim().split('\n').pop();
          const mb = JSON.parse(line).max_rss_mb;
          console.log(`peak RSS, import + export of ${n}${limit === undefined ? '' : ` (memory limit ${limit})`}: ${mb.toFixed(0)} MB`);
          sizes.push({ n, mb });
        }
        rss.push({ limit, sizes });
      }
    }
    console.log(JSON.stringify(result));
    const rows = (n) => n.toLocaleString('en-US');
    const nativeTarget = (ratio) => ({ text: 'at least 0.5x DuckDB native (#5)', met: ratio >= 0.5 });
    const measurements = [
      {
        name: `\`batch_import\` of ${rows(N)} JSONL rows`,
        value: result.import_rows_per_s,
        unit: 'rows/s',
        detail: `${(N / result.import_rows_per_s).toFixed(1)} s`,
        baseline: { name: 'DuckDB `read_json` into a table', value: result.native_import_rows_per_s, unit: 'rows/s' },
        ratio: result.import_ratio,
        target: nativeTarget(result.import_ratio),
      },
      {
        name: `\`batch_export\` of ${rows(N)} rows to JSONL, against DuckDB writing the same stored records`,
        value: result.export_rows_per_s,
        unit: 'rows/s',
        detail: `${(N / result.export_rows_per_s).toFixed(1)} s`,
        baseline: { name: "DuckDB `COPY cf_documents TO` (the dataset's own table, FORMAT json)", value: result.native_table_export_rows_per_s, unit: 'rows/s' },
        ratio: result.table_export_ratio,
        target: nativeTarget(result.table_export_ratio),
      },
      {
        name: `\`batch_export\` of ${rows(N)} rows to JSONL, against DuckDB writing the table its \`read_json\` made`,
        value: result.export_rows_per_s,
        unit: 'rows/s',
        detail: `${(N / result.export_rows_per_s).toFixed(1)} s`,
        baseline: { name: 'DuckDB `COPY t TO` (the table `read_json` made above)', value: result.native_export_rows_per_s, unit: 'rows/s' },
        ratio: result.export_ratio,
        target: nativeTarget(result.export_ratio),
      },
    ];
    for (const { limit, sizes } of rss) {
      const [small, large] = sizes;
      measurements.push({
        name: `peak RSS, import + export of ${rows(large.n)} rows (one child process), ${limit === undefined ? "DuckDB's default memory limit (80% of RAM)" : `\`--memory-limit ${limit}\``}`,
        value: large.mb,
        unit: 'MiB',
        baseline: { name: `the same of ${rows(small.n)} rows`, value: small.mb, unit: 'MiB' },
        ratio: large.mb / small.mb,
        target: { text: '1M rows within 1.5x of the 100k figure (#5)', met: large.mb / small.mb <= 1.5 },
      });
    }
    writeBenchResult({ bench: 'core-import-export', section: 'core: `batch_import` and `batch_export`', command: commandLine(import.meta.url), measurements });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
