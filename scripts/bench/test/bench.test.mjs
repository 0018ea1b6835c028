// `pnpm bench` end to end: the real runner with real (quick) benches, writing into a temp docs folder.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const runner = fileURLToPath(new URL('../../bench.mjs', import.meta.url));
const docs = mkdtempSync(join(tmpdir(), 'cf-bench-docs-'));
after(() => rmSync(docs, { recursive: true, force: true }));

function bench(args, env = {}) {
  return spawnSync(process.execPath, [runner, '--no-build', '--docs', docs, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
}

function read() {
  return { page: readFileSync(join(docs, 'benchmarks.md'), 'utf8'), store: JSON.parse(readFileSync(join(docs, 'benchmarks.json'), 'utf8')) };
}

// Needs the packages built (`pnpm build`): the benches import each package's dist, as `pnpm bench` does after building.
describe('scripts/bench.mjs', { concurrency: false }, () => {
  it('runs a quick bench, stores its result and renders it marked as quick, other sections not run', () => {
    const run = bench(['--quick', '--only', 'extract']);
    assert.equal(run.status, 0, run.stderr);
    const { page, store } = read();
    assert.deepEqual(Object.keys(store.sections), ['extract']);
    const section = store.sections.extract;
    assert.equal(section.result.bench, 'extract');
    assert.equal(section.result.command, 'cd packages/extract && node bench/extract.bench.mjs --quick');
    assert.ok(section.result.measurements.length >= 8);
    const stored = store.runs[section.run];
    assert.equal(stored.quick, true);
    assert.deepEqual(stored.benches, ['extract']);
    assert.equal(stored.machine.cores > 0, true);
    assert.match(stored.machine.duckdb.version, /^v\d+\.\d+/);
    assert.equal(stored.load.before.length, 3);
    assert.equal(stored.load.after.length, 3);
    assert.ok(Date.parse(stored.finished) >= Date.parse(stored.started));
    assert.match(page, /^## extract: text extraction \(`packages\/extract\/bench\/extract\.bench\.mjs`\) — QUICK RUN, not the real figures$/m);
    assert.match(page, /Not run yet: `pnpm bench --only dataset-store`\./);
    // The notes beside the script are on the page.
    assert.match(page, /No issue set a target for these/);
  });

  it('records a failing bench as failed, exits 1, and keeps the other sections as they were', () => {
    const before = read().store.sections.extract;
    // A real fault: the io bench cannot make its corpus when the corpus script does not exist.
    const run = bench(['--quick', '--only', 'io'], { CORPUS_SCRIPT: join(docs, 'no-such-script.mjs') });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /1 of 1 benches failed/);
    const { page, store } = read();
    assert.deepEqual(store.sections.extract, before);
    assert.equal(store.sections.io.result, undefined);
    assert.match(store.sections.io.failure.message, /^exited with code 1: Error: Command failed: .*no-such-script\.mjs/);
    assert.equal(store.sections.io.failure.command, 'cd packages/io && node bench/io.bench.mjs 5000,20000');
    assert.match(page, /> \*\*The run of .* UTC failed\*\* \(`cd packages\/io && node bench\/io\.bench\.mjs 5000,20000`, quick\): exited with code 1/);
    assert.match(page, /> No earlier figures\./);
    assert.equal(Object.keys(store.runs).length, 2);
  });

  it('re-renders the page from the stored results without running anything', () => {
    const { store: stored } = read();
    writeFileSync(join(docs, 'benchmarks.md'), 'stale\n');
    const resultsModified = statSync(join(docs, 'benchmarks.json')).mtimeMs;
    const run = bench(['--render']);
    assert.equal(run.status, 0, run.stderr);
    const { page, store } = read();
    assert.deepEqual(store, stored);
    assert.equal(statSync(join(docs, 'benchmarks.json')).mtimeMs, resultsModified);
    assert.match(page, /^# Benchmarks$/m);
    assert.match(page, /## extract: text extraction/);
  });

  it('refuses an unknown bench name or option without touching the docs', () => {
    const page = readFileSync(join(docs, 'benchmarks.md'), 'utf8');
    const unknown = bench(['--only', 'nope']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /no benchmark is called 'nope'/);
    const option = bench(['--fast']);
    assert.equal(option.status, 2);
    assert.match(option.stderr, /Unknown option '--fast'/);
    assert.equal(readFileSync(join(docs, 'benchmarks.md'), 'utf8'), page);
  });
});
