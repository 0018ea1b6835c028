// Runs every example as its own Node process (against the packages' sources) and checks what it printed, so
// the programs docs/library.md shows keep working; also checks the page embeds each file's current code.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RECORD_FIELDS } from '@contextframe/dataset';
import { toolNames } from '@contextframe/transport';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = ['dataset', 'io', 'extract', 'core', 'transport'] as const;

interface Ran {
  readonly lines: string[];
  readonly stdout: string;
  readonly stderr: string;
  /** What the example left in its temp folder (TMPDIR): it should clean up after itself. */
  readonly leftBehind: string[];
}

/** Runs examples/src/<name>.ts with tsx, resolving @contextframe/* to their sources as every test here does. */
async function runExample(name: (typeof EXAMPLES)[number]): Promise<Ran> {
  const tmp = mkdtempSync(join(tmpdir(), 'cf-examples-test-'));
  try {
    // No CONTEXTFRAME_* settings from the caller: the examples must behave the same everywhere.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('CONTEXTFRAME_')));
    const { stdout, stderr } = await run(process.execPath, ['--conditions=@contextframe/source', '--import', 'tsx', `src/${name}.ts`], {
      cwd: root,
      env: { ...env, TMPDIR: tmp },
      timeout: 50_000,
    });
    // tsx keeps its compile cache in tsx-<uid>; everything else there was the example's.
    const leftBehind = readdirSync(tmp).filter((entry) => !/^tsx-\d+$/.test(entry));
    return { lines: stdout.trimEnd().split('\n'), stdout, stderr, leftBehind };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** The one line starting with `prefix`. */
function line(ran: Ran, prefix: string): string {
  const found = ran.lines.filter((text) => text.startsWith(prefix));
  expect(found, `one line starting with "${prefix}" in:\n${ran.stdout}`).toHaveLength(1);
  return found[0]!;
}

function expectClean(ran: Ran): void {
  expect(ran.stderr).toBe('');
  expect(ran.leftBehind).toEqual([]);
}

describe('examples', () => {
  it('dataset: adds, chunks, searches with a filter, rolls a failed transaction back and reports a bad filter by code', async () => {
    const ran = await runExample('dataset');
    expectClean(ran);
    expect(line(ran, 'added ')).toBe('added 3 notes');
    expect(line(ran, 'records: ')).toMatch(/^records: (\d+) \(4 documents, (\d+) chunks\), vectors: hash-v1-384$/);
    const [, records, chunks] = /^records: (\d+) \(4 documents, (\d+) chunks\)/.exec(line(ran, 'records: '))!;
    expect(Number(records)).toBe(4 + Number(chunks));
    expect(Number(chunks)).toBeGreaterThan(1);
    // The filter keeps priority >= 2 among databases: DuckDB and SQLite, never Cats (priority 1, animals).
    const hitsAt = ran.lines.indexOf(line(ran, 'hybrid search '));
    const hits = ran.lines.slice(hitsAt + 1).filter((text) => text.startsWith('  ')).map((text) => text.trim().split(/\s+/)[0]);
    expect(hits.sort()).toEqual(['DuckDB', 'SQLite']);
    expect(ran.stdout).not.toContain('Cats  score');
    expect(line(ran, 'text search ')).toMatch(/among chunks: chunk \d+: ".*BM25.*"$/);
    // The throwing transaction deleted nothing.
    expect(line(ran, 'transaction failed ')).toBe('transaction failed (changed my mind); notes still there: 3');
    // The committed update made SQLite reviewed.
    expect(line(ran, 'reviewed now: ')).toBe('reviewed now: Cats, DuckDB, SQLite');
    // The example rethrows anything but FILTER_SYNTAX, which would fail the run.
    expect(line(ran, 'bad filter: ')).toMatch(/^bad filter: FILTER_SYNTAX at position \d+/);
  });

  it('io: maps a foreign CSV, reports its bad row, and reads its own CSV export back unchanged', async () => {
    const ran = await runExample('io');
    expectClean(ran);
    expect(line(ran, 'row ')).toMatch(/^row 2 skipped: opened: .*2026-02-30/);
    expect(line(ran, 'read ')).toBe('read 3 rows from csv: 2 records, 1 row error');
    expect(line(ran, 'wrote ')).toBe('wrote 2 records to tickets.csv');
    // Without include_embeddings every record field but the vector is a column, in storage order.
    expect(line(ran, 'columns: ')).toBe(`columns: ${RECORD_FIELDS.filter((field) => field !== 'embedding').join(', ')}`);
    const rows = ran.lines.filter((text) => text.startsWith('  '));
    expect(rows).toEqual([
      '  2026-03-02T09:15:00.000Z  Login fails  tags ["auth","urgent"]  assignee ana',
      '  2026-03-04T16:40:00.000Z  Dark mode  tags ["feature"]  assignee ana',
    ]);
    expect(ran.stdout).not.toContain('Export is slow  tags');
  });

  it('extract: reads Markdown inline and four files through the pool, one failing alone with UNSUPPORTED_FORMAT', async () => {
    const ran = await runExample('extract');
    expectClean(ran);
    expect(line(ran, 'markdown: ')).toBe('markdown: title "Release notes 2.1", version 2.1.0');
    // Front matter is not content; the Markdown itself is kept.
    expect(ran.stdout).not.toContain('version: 2.1.0');
    expect(ran.lines).toContain('# What changed');
    const html = line(ran, 'faq.html -> ');
    expect(html).toMatch(/^faq\.html -> html, title "FAQ": ".*nothing is downloaded\."$/);
    expect(html).not.toContain('Home | Docs'); // the <nav> is not the main content
    expect(line(ran, 'prices.csv -> ')).toBe('prices.csv -> csv, title null: "plan\\tprice\\nfree\\t0\\nteam\\t12"');
    // Numbers are not text: the port is left out of the JSON's text.
    expect(line(ran, 'config.json -> ')).toMatch(/^config\.json -> json, title "contextframe": "name: contextframe\\ndescription: [^"]+"$/);
    expect(line(ran, 'logo.png -> ')).toBe('logo.png -> UNSUPPORTED_FORMAT');
    expect(line(ran, '"%PDF-1.7')).toMatch(/is pdf$/);
  });

  it('core: batchAdd with progress, an atomic add that writes nothing, per-query search failures, a confirmed delete', async () => {
    const ran = await runExample('core');
    expectClean(ran);
    expect(line(ran, 'batchAdd: ')).toBe('batchAdd: 4 added, 0 failed, status succeeded');
    // The sink saw the whole life of the batch: start first, complete last.
    expect(line(ran, 'progress events: ')).toMatch(/^progress events: start -> .*progress.* -> complete$/);
    expect(line(ran, 'atomic batchAdd: ')).toBe('atomic batchAdd: TX_ROLLED_BACK (document 1: DUPLICATE_ID); still 4 records');
    expect(line(ran, 'batchSearch "how do refunds work"')).toMatch(/^batchSearch "how do refunds work" \(hybrid\): Refunds(, |$)/);
    // The filter excludes the draft: Two-factor login never appears, though it matches "login".
    expect(line(ran, 'batchSearch "login password"')).toBe('batchSearch "login password" (text): Password reset');
    expect(line(ran, 'batchSearch "invoices"')).toBe('batchSearch "invoices" (hybrid): FILTER_SYNTAX');
    expect(line(ran, 'batchDelete: ')).toBe('batchDelete: dry run found 2, deleted 2; 2 records left');
  });

  it('transport: lists every tool, adds and searches over an in-memory client, maps a bad filter, answers over HTTP', async () => {
    const ran = await runExample('transport');
    expectClean(ran);
    expect(line(ran, `${toolNames().length} tools: `)).toBe(`${toolNames().length} tools: ${toolNames().join(', ')}`);
    expect(line(ran, 'batch_add: ')).toBe('batch_add: 2 added, last progress 2/2');
    expect(line(ran, 'batch_search: ')).toBe('batch_search: Deploy freeze');
    expect(line(ran, 'list_documents ')).toBe('list_documents with a bad filter: isError true, code FILTER_SYNTAX');
    // The HTTP session sees the documents the in-memory session added: one dataset behind both.
    expect(line(ran, 'dataset_info over HTTP: ')).toBe('dataset_info over HTTP: 2 documents, embedder hash-v1-384');
  });

  it('docs/library.md embeds the current code of every example', () => {
    const page = readFileSync(join(root, '..', 'docs', 'library.md'), 'utf8');
    for (const name of EXAMPLES) {
      const code = readFileSync(join(root, 'src', `${name}.ts`), 'utf8');
      expect(page, `docs/library.md is out of date for examples/src/${name}.ts: run pnpm docs:update`).toContain(`\`\`\`ts\n${code}\`\`\``);
    }
  });
});
