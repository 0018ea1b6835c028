// One-off measurement behind the Parquet engine choice: parquetjs-lite against DuckDB's bundled Parquet
// (our writeRecords/openReader) on the same 100k records, in one run. parquetjs-lite is not a dependency:
//   mkdir /tmp/pqlite && cd /tmp/pqlite && npm i parquetjs-lite@0.8.7
//   PARQUETJS_LITE=/tmp/pqlite/node_modules/parquetjs-lite node bench/parquet-choice.mjs [N=100000]
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReader, writeRecords } from '../dist/index.js';

const N = Number(process.argv[2] ?? 100_000);
const parquet = createRequire(import.meta.url)(process.env.PARQUETJS_LITE ?? 'parquetjs-lite');
const dir = mkdtempSync(join(tmpdir(), 'cf-parquet-choice-'));

function record(i) {
  const at = new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString();
  return {
    uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    collection: `c${i % 10}`,
    title: `package-${i}`,
    content: `A JavaScript package number ${i} that does something useful for other programs, in a sentence or two.`,
    context: null,
    tags: ['npm', `t${i % 7}`],
    metadata: { n: i, bucket: i % 100 },
    record_type: 'document',
    parent_id: null,
    chunk_index: null,
    source_type: 'npm',
    source_uri: `https://www.npmjs.com/package/package-${i}`,
    content_hash: null,
    embedding: Float32Array.from({ length: 384 }, (_, k) => Math.sin(i + k)),
    created_at: at,
    updated_at: at,
  };
}
async function* records() {
  for (let i = 0; i < N; i += 1024) yield Array.from({ length: Math.min(1024, N - i) }, (_, k) => record(i + k));
}
async function timed(fn) {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

try {
  const schema = new parquet.ParquetSchema({
    uuid: { type: 'UTF8' },
    collection: { type: 'UTF8', optional: true },
    title: { type: 'UTF8', optional: true },
    content: { type: 'UTF8' },
    context: { type: 'UTF8', optional: true },
    tags: { type: 'UTF8', repeated: true },
    metadata: { type: 'JSON' },
    record_type: { type: 'UTF8' },
    parent_id: { type: 'UTF8', optional: true },
    chunk_index: { type: 'INT32', optional: true },
    source_type: { type: 'UTF8', optional: true },
    source_uri: { type: 'UTF8', optional: true },
    content_hash: { type: 'UTF8', optional: true },
    embedding: { type: 'FLOAT', repeated: true },
    // TIMESTAMP_MILLIS columns write, but parquetjs-lite 0.8.7 cannot read them back on Node 20 ("Cannot
    // convert a BigInt value to a number" in its statistics decoder), so timestamps go as text here.
    created_at: { type: 'UTF8' },
    updated_at: { type: 'UTF8' },
  });
  const liteFile = join(dir, 'lite.parquet');
  const liteWrite = await timed(async () => {
    const writer = await parquet.ParquetWriter.openFile(schema, liteFile);
    for await (const batch of records()) {
      for (const r of batch) {
        const row = {};
        for (const [key, value] of Object.entries(r)) if (value !== null) row[key] = value;
        row.embedding = Array.from(r.embedding);
        await writer.appendRow(row);
      }
    }
    await writer.close();
  });
  let liteRows = 0;
  const liteRead = await timed(async () => {
    const reader = await parquet.ParquetReader.openFile(liteFile);
    const cursor = reader.getCursor();
    while (await cursor.next()) liteRows += 1;
    await reader.close();
  });

  const duckFile = join(dir, 'duck.parquet');
  const duckWrite = await timed(() => writeRecords('parquet', records(), { outputPath: duckFile, includeEmbeddings: true }));
  let duckRows = 0;
  const duckRead = await timed(async () => {
    for await (const batch of (await openReader('parquet', duckFile)).batches()) duckRows += batch.length;
  });
  if (liteRows !== N || duckRows !== N) throw new Error(`read ${liteRows} and ${duckRows} of ${N}`);
  const line = (name, write, read, file) =>
    `${name.padEnd(15)} write ${(N / write / 1000).toFixed(1).padStart(6)}k rec/s (${write.toFixed(1)} s)  read ${(N / read / 1000).toFixed(1).padStart(6)}k rec/s (${read.toFixed(1)} s)  ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`;
  console.log(`${N} records with 384-d float32 embeddings`);
  console.log(line('parquetjs-lite', liteWrite, liteRead, liteFile));
  console.log(line('DuckDB (ours)', duckWrite, duckRead, duckFile));
  console.log(JSON.stringify({ bench: 'parquet-choice', n: N, lite: { write_s: liteWrite, read_s: liteRead }, duckdb: { write_s: duckWrite, read_s: duckRead } }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
