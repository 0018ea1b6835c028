// Benchmark: vector, text and hybrid search latency at N documents of 384 dimensions, and 100 vector queries
// through the multi-query path against 100 single queries, in one run.
// Usage: node bench/search.bench.mjs [N=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameDataset } from '../dist/index.js';
import { corpusPath, readCorpus } from './corpus.mjs';

const N = Number(process.argv[2] ?? 100_000);
const QUERIES = 100;
const dir = mkdtempSync(join(tmpdir(), 'cf-bench-search-'));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

try {
  const docs = await readCorpus(corpusPath(N), N);
  if (docs.length < N) throw new Error(`the corpus has only ${docs.length} documents; ${N} are needed`);
  // Queries: for 100 documents spread over the dataset, a few words of their text, and their vector with
  // seeded noise added (so the nearest neighbour is not simply the document itself).
  let seed = 99;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed / 0x7fffffff - 0.5) * 0.1;
  };
  const queries = Array.from({ length: QUERIES }, (_, i) => {
    const doc = docs[Math.floor((i * N) / QUERIES)];
    const vector = doc.embedding.map((x) => x + noise());
    const norm = Math.hypot(...vector);
    return { content: doc.content.split(/\s+/).slice(0, 6).join(' '), embedding: vector.map((x) => x / norm) };
  });
  const ds = await FrameDataset.open({ path: join(dir, 'search.duckdb') });
  let loadMs = 0;
  for (let i = 0; i < docs.length; i += 10_000) loadMs += await time(() => ds.add(docs.slice(i, i + 10_000), { embeddingModel: 'corpus' }));

  const vectorMs = [];
  const textMs = [];
  const hybridMs = [];
  for (const q of queries.slice(0, 20)) {
    vectorMs.push(await time(() => ds.search({ type: 'vector', vector: q.embedding, limit: 10 })));
    textMs.push(await time(() => ds.search({ type: 'text', text: q.content, limit: 10 })));
    hybridMs.push(await time(() => ds.search({ type: 'hybrid', text: q.content, vector: q.embedding, limit: 10 })));
  }
  const filteredMs = [];
  for (const q of queries.slice(0, 10)) filteredMs.push(await time(() => ds.search({ type: 'vector', vector: q.embedding, limit: 10, filter: "collection = 'c3' AND bucket < 50" })));

  const singlesMs = await time(async () => {
    for (const q of queries) await ds.search({ type: 'vector', vector: q.embedding, limit: 10 });
  });
  let batchHits;
  const batchMs = await time(async () => {
    batchHits = await ds.searchMany(queries.map((q) => ({ type: 'vector', vector: q.embedding, limit: 10 })));
  });
  if (batchHits.some((o) => !o.ok || o.hits.length !== 10)) throw new Error('multi-query search lost hits');
  // One batch is a single sample, easily moved by other work on the machine: five more give a median too.
  const batchRepeatsMs = [];
  for (let i = 0; i < 5; i++) batchRepeatsMs.push(await time(() => ds.searchMany(queries.map((q) => ({ type: 'vector', vector: q.embedding, limit: 10 })))));
  const textBatchMs = await time(() => ds.searchMany(queries.map((q) => ({ type: 'text', text: q.content, limit: 10 }))));
  const textSinglesMs = await time(async () => {
    for (const q of queries) await ds.search({ type: 'text', text: q.content, limit: 10 });
  });
  await ds.close();

  const one = median(vectorMs);
  const result = {
    bench: 'search',
    n: N,
    dimensions: 384,
    load_rows_per_s: N / (loadMs / 1000),
    vector_ms: one,
    vector_filtered_ms: median(filteredMs),
    text_ms: median(textMs),
    hybrid_ms: median(hybridMs),
    vector_100_single_ms: singlesMs,
    vector_100_batch_ms: batchMs,
    vector_100_batch_median_ms: median(batchRepeatsMs),
    batch_over_one_query: batchMs / one,
    batch_median_over_one_query: median(batchRepeatsMs) / one,
    batch_speedup_over_singles: singlesMs / batchMs,
    text_100_single_ms: textSinglesMs,
    text_100_batch_ms: textBatchMs,
  };
  console.log(`load ${N} docs with vectors: ${result.load_rows_per_s.toFixed(0)} rows/s`);
  console.log(`vector query (median of 20): ${one.toFixed(1)} ms; filtered: ${result.vector_filtered_ms.toFixed(1)} ms`);
  console.log(`text query (median of 20):   ${result.text_ms.toFixed(1)} ms`);
  console.log(`hybrid query (median of 20): ${result.hybrid_ms.toFixed(1)} ms`);
  console.log(`100 vector queries: ${singlesMs.toFixed(0)} ms one by one, ${batchMs.toFixed(0)} ms in one multi-query call`);
  console.log(`  batch = ${result.batch_over_one_query.toFixed(1)}x one query (target <= 10x); ${result.batch_speedup_over_singles.toFixed(1)}x faster than 100 singles`);
  console.log(`  median of 5 more batches: ${result.vector_100_batch_median_ms.toFixed(0)} ms = ${result.batch_median_over_one_query.toFixed(1)}x one query`);
  console.log(`100 text queries: ${textSinglesMs.toFixed(0)} ms one by one, ${textBatchMs.toFixed(0)} ms in one call`);
  console.log(JSON.stringify(result));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
