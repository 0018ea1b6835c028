// Batch tools against their one-item counterparts, over the real stdio server (dist/main.js) with the SDK's Client.
// Usage: node bench/stdio.bench.mjs [documents=1000] [searches=100]   (build first: pnpm build)
// Writes its figures to $CF_BENCH_OUT for the root `pnpm bench`.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { commandLine, median, writeBenchResult } from '../../../scripts/bench/bench-result.mjs';

const DOCUMENTS = Number(process.argv[2] ?? 1000);
const SEARCHES = Number(process.argv[3] ?? 100);
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const TARGETS = { add: 20, search: 5 };

const WORDS = 'data vector search index query batch agent model store filter embedding token cache table column row graph text note'.split(' ');
function document(n) {
  const words = Array.from({ length: 80 }, (_, i) => WORDS[(n * 7 + i * 13) % WORDS.length]);
  return { content: `Document ${n}. ${words.join(' ')}.`, metadata: { n, group: `g${n % 10}`, tags: [WORDS[n % WORDS.length]] } };
}

async function startServer(dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CONTEXTFRAME_')));
  const transport = new StdioClientTransport({ command: process.execPath, args: [MAIN, '--dataset', join(dir, 'bench.duckdb'), '--log-level', 'error'], env, cwd: dir, stderr: 'inherit' });
  const client = new Client({ name: 'stdio-bench', version: '1.0.0' });
  await client.connect(transport);
  await client.listTools();
  const call = async (name, args) => {
    const result = await client.callTool({ name, arguments: args }, undefined, { timeout: 600_000 });
    if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.structuredContent)}`);
    return result.structuredContent;
  };
  return { call, close: () => client.close() };
}

async function timed(work) {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

const format = (ms) => `${ms.toFixed(0).padStart(7)} ms`;

const dirs = [mkdtempSync(join(tmpdir(), 'cf-bench-a-')), mkdtempSync(join(tmpdir(), 'cf-bench-b-'))];
try {
  const batched = await startServer(dirs[0]);
  const single = await startServer(dirs[1]);
  // Warm both processes (JIT, DuckDB, the embedding column) on documents outside the measured set.
  for (const server of [batched, single]) {
    await server.call('batch_add', { documents: [document(DOCUMENTS + 1), document(DOCUMENTS + 2)], shared_settings: { collection: 'warmup' } });
    await server.call('search_documents', { query: 'warm up' });
  }
  const documents = Array.from({ length: DOCUMENTS }, (_, n) => document(n));

  const batchAdd = await timed(() => batched.call('batch_add', { documents }));
  if (batchAdd.result.documents_added !== DOCUMENTS) throw new Error('batch_add added the wrong number');
  const singleAdd = await timed(async () => {
    for (const { content, metadata } of documents) await single.call('add_document', { content, metadata });
  });

  const queries = Array.from({ length: SEARCHES }, (_, i) => ({ query: `${WORDS[i % WORDS.length]} ${WORDS[(i * 5 + 3) % WORDS.length]} document ${i}`, limit: 10 }));
  // Searches are short: warm both paths on the full dataset, then take the median of three alternating rounds.
  await batched.call('batch_search', { queries: queries.slice(0, 20) });
  for (const query of queries.slice(0, 10)) await batched.call('search_documents', query);
  const rounds = [];
  for (let round = 0; round < 3; round++) {
    const batch = await timed(() => batched.call('batch_search', { queries }));
    if (batch.result.searches_completed !== SEARCHES) throw new Error('batch_search lost queries');
    const one = await timed(async () => {
      for (const query of queries) await batched.call('search_documents', query);
    });
    rounds.push({ batch: batch.ms, single: one.ms });
  }
  const batchSearch = { ms: median(rounds.map((r) => r.batch)) };
  const singleSearch = { ms: median(rounds.map((r) => r.single)) };
  await batched.close();
  await single.close();

  const addRatio = singleAdd.ms / batchAdd.ms;
  const searchRatio = singleSearch.ms / batchSearch.ms;
  console.log(`contextframe stdio benchmark: Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, hash embedder (384)`);
  console.log(`add    ${DOCUMENTS} documents: 1 batch_add       ${format(batchAdd.ms)} | ${DOCUMENTS} add_document calls    ${format(singleAdd.ms)} | ${addRatio.toFixed(1)}x (target ${TARGETS.add}x) ${addRatio >= TARGETS.add ? 'ok' : 'BELOW TARGET'}`);
  console.log(`search ${SEARCHES} queries:    1 batch_search    ${format(batchSearch.ms)} | ${SEARCHES} search_documents calls ${format(singleSearch.ms)} | ${searchRatio.toFixed(1)}x (target ${TARGETS.search}x) ${searchRatio >= TARGETS.search ? 'ok' : 'BELOW TARGET'}`);
  const count = (n) => n.toLocaleString('en-US');
  writeBenchResult({
    bench: 'stdio',
    section: 'stdio server: batch tools against one-item tools',
    command: commandLine(import.meta.url),
    measurements: [
      {
        name: `add ${count(DOCUMENTS)} documents: one \`batch_add\`, speed-up over ${count(DOCUMENTS)} \`add_document\` calls`,
        value: batchAdd.ms,
        unit: 'ms',
        baseline: { name: `${count(DOCUMENTS)} \`add_document\` calls`, value: singleAdd.ms, unit: 'ms' },
        ratio: addRatio,
        target: { text: `at least ${TARGETS.add}x (#7)`, met: addRatio >= TARGETS.add },
      },
      {
        name: `${count(SEARCHES)} hybrid searches: one \`batch_search\`, speed-up over ${count(SEARCHES)} \`search_documents\` calls`,
        value: batchSearch.ms,
        unit: 'ms',
        detail: 'median of 3 rounds',
        baseline: { name: `${count(SEARCHES)} \`search_documents\` calls`, value: singleSearch.ms, unit: 'ms', detail: 'median of 3 rounds' },
        ratio: searchRatio,
        target: { text: `at least ${TARGETS.search}x (#7)`, met: searchRatio >= TARGETS.search },
      },
    ],
  });
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
