// Benchmark: our streaming readers and writers against DuckDB's own read_json/read_csv/read_parquet and
// COPY ... TO on the same files, in the same run, plus peak RSS of each of our reads and writes.
//
// Usage: node bench/io.bench.mjs [SIZES=100000,1000000] [FORMATS=json,jsonl,csv,parquet]
// (IO_BENCH_ROUNDS=3: how many times ours and DuckDB's alternate; each figure is the median.)
// Needs `pnpm build` first (imports ../dist). Each measurement runs in its own child process, so every peak
// RSS (process.resourceUsage().maxRSS) belongs to one operation at one size. Prints a JSON line last and writes
// its figures to $CF_BENCH_OUT for `pnpm bench`; throughput targets are judged at the largest size.
//
// Corpus: /work/shared/bench/make-corpus.mjs over the env entry's npm.tsv (CORPUS_SCRIPT and NPM_TSV override
// the paths), without vectors. It yields about 160k usable documents, so larger sizes repeat the corpus with
// fresh uuids and timestamps.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandLine, median, writeBenchResult } from '../../../scripts/bench/bench-result.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FORMATS = ['json', 'jsonl', 'csv', 'parquet'];
/** Samples of each measurement (ours and DuckDB's alternating); every figure is their median. */
const ROUNDS = Number(process.env.IO_BENCH_ROUNDS ?? 3);
const NATIVE_READ = {
  // DuckDB cannot stream the { "documents": [...] } form: it reads the whole file as one JSON value.
  json: (p) => `SELECT unnest(documents, recursive := true) FROM read_json('${p}', maximum_object_size = 4000000000)`,
  jsonl: (p) => `SELECT * FROM read_json('${p}', format = 'newline_delimited')`,
  csv: (p) => `SELECT * FROM read_csv('${p}', header = true)`,
  parquet: (p) => `SELECT * FROM read_parquet('${p}')`,
};
const NATIVE_COPY = { json: 'FORMAT json, ARRAY true', jsonl: 'FORMAT json', csv: 'FORMAT csv, HEADER', parquet: 'FORMAT parquet' };
const LABEL = { json: 'json (`{"documents":[...]}`)', jsonl: 'jsonl', csv: 'csv', parquet: 'parquet' };
const NATIVE_READ_LABEL = { json: '`read_json` (one value, unnested)', jsonl: '`read_json` (newline-delimited)', csv: '`read_csv`', parquet: '`read_parquet`' };

if (process.argv[2] === '--child') await child(process.argv.slice(3));
else await main();

async function main() {
  const sizes = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
  const formats = (process.argv[3] ?? FORMATS.join(',')).split(',');
  const dir = mkdtempSync(join(tmpdir(), 'cf-bench-io-'));
  const started = performance.now();
  try {
    const corpusScript = process.env.CORPUS_SCRIPT ?? join(here, '../../../../shared/bench/make-corpus.mjs');
    const npmTsv = process.env.NPM_TSV ?? '/work/.library/env/packages/npm.tsv';
    const corpus = join(dir, 'corpus.jsonl');
    execFileSync(process.execPath, [corpusScript, npmTsv, '1000000', corpus, '--no-vectors'], { stdio: 'ignore' });
    const corpusDocs = readFileSync(corpus, 'utf8').split('\n').filter(Boolean).length;
    const pool = run(['pool', 'jsonl', '0', corpus]);
    console.log(
      `corpus: ${corpusDocs} npm package documents; sizes above that repeat them with fresh uuids. ` +
        `A write child holds them all in memory as its source: ${pool.maxRssMb.toFixed(0)} MiB peak RSS before writing anything.`,
    );
    const results = [];
    for (const size of sizes) {
      for (const format of formats) {
        const file = join(dir, `records-${size}.${format}`);
        const samples = { write: [], read: [], native: [] };
        let bytes = 0;
        // Ours and DuckDB's alternate, ROUNDS times, and each figure is the median of its samples: on this
        // machine one sample of the same work moves by a third between runs minutes apart.
        for (let round = 0; round < ROUNDS; round++) {
          samples.write.push(run(['ours-write', format, String(size), file, corpus]));
          bytes = statSync(file).size;
          samples.read.push(run(['ours-read', format, String(size), file]));
          samples.native.push(run(['native', format, String(size), file, join(dir, `native-${size}.${format}`)]));
          rmSync(file, { force: true });
          rmSync(join(dir, `native-${size}.${format}`), { force: true });
        }
        const middle = (list, key) => median(list.map((sample) => sample[key]));
        const row = {
          format,
          size,
          bytes,
          rounds: ROUNDS,
          write_per_s: size / middle(samples.write, 'seconds'),
          native_copy_per_s: size / middle(samples.native, 'copySeconds'),
          read_per_s: size / middle(samples.read, 'seconds'),
          native_read_per_s: size / middle(samples.native, 'readSeconds'),
          write_rss_mb: middle(samples.write, 'maxRssMb'),
          read_rss_mb: middle(samples.read, 'maxRssMb'),
        };
        results.push(row);
        console.log(
          `${format.padEnd(7)} ${String(size).padStart(8)} rows ${(bytes / 2 ** 20).toFixed(0).padStart(5)} MiB | ` +
            `write ${rate(row.write_per_s)} vs COPY ${rate(row.native_copy_per_s)} (${(row.write_per_s / row.native_copy_per_s).toFixed(2)}x) | ` +
            `read ${rate(row.read_per_s)} vs native ${rate(row.native_read_per_s)} (${(row.read_per_s / row.native_read_per_s).toFixed(2)}x) | ` +
            `peak RSS write ${row.write_rss_mb.toFixed(0)} MiB, read ${row.read_rss_mb.toFixed(0)} MiB`,
        );
      }
    }
    if (sizes.length === 2) {
      for (const format of formats) {
        const [small, large] = sizes.map((size) => results.find((r) => r.format === format && r.size === size));
        const own = (row) => row.write_rss_mb - pool.maxRssMb;
        console.log(
          `${format.padEnd(7)} peak RSS ${sizes[1]} / ${sizes[0]}: write ${(large.write_rss_mb / small.write_rss_mb).toFixed(2)}x ` +
            `(${(own(large) / own(small)).toFixed(2)}x without the source pool), read ${(large.read_rss_mb / small.read_rss_mb).toFixed(2)}x`,
        );
      }
    }
    console.log(`total ${((performance.now() - started) / 1000).toFixed(0)} s`);
    console.log(JSON.stringify({ bench: 'io', node: process.version, pool_rss_mb: pool.maxRssMb, results }));
    writeBenchResult({ bench: 'io', section: 'io: readers and writers', command: commandLine(import.meta.url, { envNames: ['IO_BENCH_ROUNDS'] }), measurements: measurements(sizes, formats, results, pool.maxRssMb) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The results as protocol measurements: throughput per size (targets at the largest), then peak RSS growth. */
function measurements(sizes, formats, results, poolRssMb) {
  const largest = Math.max(...sizes);
  const count = (n) => n.toLocaleString('en-US');
  const nativeTarget = (ratio) => ({ text: 'at least 0.5x DuckDB native (#4)', met: ratio >= 0.5 });
  const out = [];
  for (const size of [...sizes].sort((a, b) => b - a)) {
    const group = `${count(size)} records`;
    for (const format of formats) {
      const row = results.find((r) => r.format === format && r.size === size);
      const mib = `${(row.bytes / 2 ** 20).toFixed(row.bytes < 10 * 2 ** 20 ? 1 : 0)} MiB file`;
      const writeRatio = row.write_per_s / row.native_copy_per_s;
      const readRatio = row.read_per_s / row.native_read_per_s;
      out.push({
        group,
        name: `${LABEL[format]}: write (\`writeRecords\`)`,
        value: row.write_per_s,
        unit: 'records/s',
        detail: `${mib}; median of ${row.rounds} runs`,
        baseline: { name: `DuckDB \`COPY t TO\` (${NATIVE_COPY[format]})`, value: row.native_copy_per_s, unit: 'records/s' },
        ratio: writeRatio,
        ...(size === largest ? { target: nativeTarget(writeRatio) } : {}),
      });
      out.push({
        group,
        name: `${LABEL[format]}: read (\`openReader\`)`,
        value: row.read_per_s,
        unit: 'records/s',
        detail: `median of ${row.rounds} runs`,
        baseline: { name: `DuckDB ${NATIVE_READ_LABEL[format]} into a table`, value: row.native_read_per_s, unit: 'records/s' },
        ratio: readRatio,
        ...(size === largest ? { target: nativeTarget(readRatio) } : {}),
      });
    }
  }
  if (sizes.length === 2) {
    const [small, large] = [...sizes].sort((a, b) => a - b);
    const group = `peak RSS of the process, ${count(large)} against ${count(small)} records`;
    const rssTarget = (ratio) => ({ text: 'peak RSS at 1M within 1.5x of the 100k figure (#4)', met: ratio <= 1.5 });
    for (const format of formats) {
      const [a, b] = [small, large].map((size) => results.find((r) => r.format === format && r.size === size));
      const writeOwn = (b.write_rss_mb - poolRssMb) / (a.write_rss_mb - poolRssMb);
      out.push({
        group,
        name: `${LABEL[format]}: write`,
        value: b.write_rss_mb,
        unit: 'MiB',
        detail: `without the ${poolRssMb.toFixed(0)} MiB source pool: ${writeOwn.toFixed(2)}x`,
        baseline: { name: `${count(small)} records`, value: a.write_rss_mb, unit: 'MiB' },
        ratio: b.write_rss_mb / a.write_rss_mb,
        target: rssTarget(b.write_rss_mb / a.write_rss_mb),
      });
      out.push({
        group,
        name: `${LABEL[format]}: read`,
        value: b.read_rss_mb,
        unit: 'MiB',
        baseline: { name: `${count(small)} records`, value: a.read_rss_mb, unit: 'MiB' },
        ratio: b.read_rss_mb / a.read_rss_mb,
        target: rssTarget(b.read_rss_mb / a.read_rss_mb),
      });
    }
  }
  return out;
}

function rate(perSecond) {
  return `${(perSecond / 1000).toFixed(0).padStart(4)}k/s`;
}

function run(args) {
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (result.status !== 0) throw new Error(`bench child ${args.join(' ')} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').pop());
}

function report(fields) {
  console.log(JSON.stringify({ ...fields, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function child([kind, format, sizeText, file, extra]) {
  const size = Number(sizeText);
  if (kind === 'pool') {
    const docs = await loadPool(file);
    report({ docs: docs.titles.length });
  } else if (kind === 'ours-write') {
    const { writeRecords } = await import('../dist/index.js');
    const docs = await loadPool(extra);
    const start = performance.now();
    const result = await writeRecords(format, records(docs, size), { outputPath: file });
    const seconds = (performance.now() - start) / 1000;
    if (result.documents !== size) throw new Error(`wrote ${result.documents} of ${size}`);
    report({ seconds });
  } else if (kind === 'ours-read') {
    const { openReader } = await import('../dist/index.js');
    const start = performance.now();
    const reader = await openReader(format, file);
    let ok = 0;
    for await (const batch of reader.batches()) for (const item of batch) if (item.ok) ok += 1;
    const seconds = (performance.now() - start) / 1000;
    if (ok !== size) throw new Error(`read ${ok} of ${size}`);
    report({ seconds });
  } else {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    let start = performance.now();
    await connection.run(`CREATE TABLE t AS ${NATIVE_READ[format](file)}`);
    const readSeconds = (performance.now() - start) / 1000;
    const count = Number((await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0][0]);
    if (count !== size) throw new Error(`DuckDB read ${count} of ${size}`);
    start = performance.now();
    await connection.run(`COPY t TO '${extra}' (${NATIVE_COPY[format]})`);
    const copySeconds = (performance.now() - start) / 1000;
    connection.closeSync();
    instance.closeSync();
    report({ readSeconds, copySeconds });
  }
}

/** The corpus as compact columns (a few strings per document), read line by line. */
async function loadPool(path) {
  const { createInterface } = await import('node:readline');
  const { createReadStream } = await import('node:fs');
  const pool = { titles: [], contents: [], collections: [], ns: [] };
  for await (const line of createInterface({ input: createReadStream(path) })) {
    if (line === '') continue;
    const doc = JSON.parse(line);
    pool.titles.push(doc.title);
    pool.contents.push(doc.content);
    pool.collections.push(doc.collection);
    pool.ns.push(doc.metadata.n);
  }
  return pool;
}

/** `size` records built from the corpus documents in turn, in arrays of 1,024, each with a fresh uuid. */
async function* records(docs, size) {
  const base = Date.UTC(2024, 0, 1);
  for (let start = 0; start < size; start += 1024) {
    const batch = [];
    for (let i = start; i < Math.min(size, start + 1024); i++) {
      const d = i % docs.titles.length;
      const at = new Date(base + i * 1000).toISOString();
      batch.push({
        uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        collection: docs.collections[d],
        title: docs.titles[d],
        content: docs.contents[d],
        context: null,
        tags: ['npm', `t${i % 7}`],
        metadata: { n: docs.ns[d], bucket: docs.ns[d] % 100 },
        record_type: 'document',
        parent_id: null,
        chunk_index: null,
        source_type: 'npm',
        source_uri: `https://www.npmjs.com/package/${docs.titles[d]}`,
        content_hash: null,
        embedding: null,
        created_at: at,
        updated_at: at,
      });
    }
    yield batch;
  }
}
