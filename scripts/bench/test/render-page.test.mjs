// The page: header with machine, date and load, a section per bench with its figures and notes, targets met or
// not, quick runs and failures marked so that neither passes for real figures.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FIGURES_MARKER, formatDuration, formatNumber, renderPage, splitNotes } from '../render-page.mjs';
import { withFailure } from '../results-file.mjs';
import { benches, fullRun, mixedStore, quickRun } from './fixtures.mjs';

const notes = {
  alpha: `Alpha measures one call against many.\n\n${FIGURES_MARKER}\n\nWhy alpha misses its import target.\n`,
  beta: 'Beta notes without a marker.\n',
  gamma: undefined,
};

/** The lines of the page from the heading starting with `start` up to the next `## ` heading. */
function section(page, start) {
  const lines = page.split('\n');
  const from = lines.findIndex((line) => line.startsWith(start));
  assert.notEqual(from, -1, `no heading starting with ${start}`);
  const to = lines.findIndex((line, i) => i > from && line.startsWith('## '));
  return lines.slice(from, to === -1 ? undefined : to).join('\n');
}

describe('renderPage', () => {
  it('describes each run: date, benches, duration, commit, machine and load before and after', () => {
    const page = renderPage(mixedStore(), benches, notes);
    const runs = section(page, '## Runs');
    assert.match(runs, /come from 2 runs/);
    assert.match(runs, /\*\*2026-11-26 06:00 UTC\*\* \(`alpha`, `beta`; 42 min 30 s; commit abc1234\)/);
    assert.match(runs, /\*\*2026-11-26 07:00 UTC\*\* — \*\*QUICK RUN, small sizes: not the real figures\*\* \(`beta`; 1 min 5 s; commit def5678 with uncommitted changes\)/);
    assert.match(runs, /Demo CPU \(family 1, model 2\), 2 cores, 8\.0 GiB RAM, Linux 6\.1 x64, Node v20\.20\.2, DuckDB v1\.5\.6 \(`@duckdb\/node-api` 1\.5\.6-r\.1\)/);
    assert.match(runs, /1\.50 \/ 1\.25 \/ 1\.00 before, 2\.50 \/ 2\.00 \/ 1\.75 after/);
    // Newest run first.
    assert.ok(runs.indexOf('07:00 UTC') < runs.indexOf('06:00 UTC'));
  });

  it('puts each figure beside its baseline, ratio and target, met or not', () => {
    const alpha = section(renderPage(mixedStore(), benches, notes), '## alpha: batch against singles');
    assert.match(alpha, /^## alpha: batch against singles \(`packages\/alpha\/bench\/alpha\.bench\.mjs`\)$/m);
    assert.match(alpha, /\| measure \| value \| baseline, same run \| ratio \| target \|/);
    assert.match(alpha, /\| one call of 100 rows \| 8,053 rows\/s \(12\.42 s\) \| 100 calls of one row: 43\.8 rows\/s \| \*\*184x\*\* \| at least 20x \(#5\): met \|/);
    assert.match(alpha, /\| import of 100 rows \| 4,343 rows\/s \| DuckDB read_json: 511,494 rows\/s \| \*\*0\.0085x\*\* \| at least 0\.5x DuckDB native \(#5\): \*\*not met\*\* \|/);
    assert.match(alpha, /\(2026-11-26 06:00 UTC, `cd packages\/alpha && node bench\/alpha\.bench\.mjs 100`, 4 min 59 s; load average 1\.50 before, 1\.75 after\.\)/);
    assert.doesNotMatch(alpha, /QUICK|Quick run/);
  });

  it('lists every target in one table near the top, with the quick ones marked', () => {
    const targets = section(renderPage(mixedStore(), benches, notes), '## Targets');
    const rows = targets.split('\n').filter((line) => line.startsWith('| alpha'));
    assert.deepEqual(rows, [
      '| alpha: batch against singles | one call of 100 rows | 184x | at least 20x (#5) | met |',
      '| alpha: batch against singles | import of 100 rows | 0.0085x | at least 0.5x DuckDB native (#5) | **not met** |',
    ]);
    assert.doesNotMatch(targets, /beta/);
  });

  it('places the notes around the figures at the marker, or after them without one', () => {
    const page = renderPage(mixedStore(), benches, notes);
    const alpha = section(page, '## alpha');
    assert.ok(alpha.indexOf('Alpha measures') < alpha.indexOf('| measure |'));
    assert.ok(alpha.indexOf('| measure |') < alpha.indexOf('Why alpha misses'));
    assert.doesNotMatch(page, new RegExp(FIGURES_MARKER));
    const beta = section(page, '## beta');
    assert.ok(beta.indexOf('| measure |') < beta.indexOf('Beta notes without a marker.'));
    assert.ok(beta.indexOf('A note the script wrote for this run.') > beta.indexOf('| measure |'));
  });

  it('marks a quick run in the page header, the section heading and above its figures', () => {
    const page = renderPage(mixedStore(), benches, notes);
    assert.match(page.split('## Runs')[0], /\*\*Quick run\.\*\* .*not the real figures/s);
    const beta = section(page, '## beta');
    assert.match(beta, /^## beta: latencies \(`packages\/beta\/bench\/beta\.bench\.mjs`\) — QUICK RUN, not the real figures$/m);
    assert.match(beta, /> \*\*Quick run\*\* at small sizes/);
  });

  it('has no quick banner when every figure is from a full run', () => {
    const store = mixedStore();
    delete store.sections.beta;
    const page = renderPage(store, benches, notes);
    assert.doesNotMatch(page, /QUICK RUN|\*\*Quick run/);
    assert.match(section(page, '## Runs'), /All figures on this page come from one run/);
  });

  it('gives a table per group, escaping pipes in cells', () => {
    const beta = section(renderPage(mixedStore(), benches, notes), '## beta');
    assert.match(beta, /\*\*inline\*\*\n\n\| measure \| value \|\n\|---\|---\|\n\| text \\\| pipes \| 79\.2 MB\/s \|/);
    assert.match(beta, /\*\*pool\*\*\n\n\| measure \| value \|\n\|---\|---\|\n\| cold start \| 352 ms \|/);
  });

  it('says a bench failed and that the figures shown are from the earlier run', () => {
    const failure = { run: quickRun.id, at: '2026-11-26T07:00:30.000Z', command: 'cd packages/alpha && node bench/alpha.bench.mjs 10', message: 'exited with code 1: Error: corpus missing' };
    const page = renderPage(withFailure(mixedStore(), 'alpha', failure), benches, notes);
    const alpha = section(page, '## alpha');
    assert.match(alpha, /> \*\*The run of 2026-11-26 07:00 UTC failed\*\* \(`cd packages\/alpha && node bench\/alpha\.bench\.mjs 10`, quick\): exited with code 1: Error: corpus missing/);
    assert.match(alpha, /> The figures below are from the earlier run of 2026-11-26 06:00 UTC\./);
    // The earlier figures are still there, unchanged.
    assert.match(alpha, /\| one call of 100 rows \| 8,053 rows\/s/);
    assert.match(section(page, '## Targets'), /\| alpha: batch against singles \| the run of 2026-11-26 07:00 UTC failed \|/);
  });

  it('shows a bench that never ran or only failed without inventing figures', () => {
    const failure = { run: fullRun.id, at: fullRun.started, command: 'cd apps/gamma && node bench/gamma.bench.mjs', message: 'killed by SIGKILL' };
    const never = section(renderPage(mixedStore(), benches, notes), '## gamma');
    assert.match(never, /Not run yet: `pnpm bench --only gamma`\./);
    assert.doesNotMatch(never, /\| measure \|/);
    const failed = section(renderPage(withFailure(mixedStore(), 'gamma', failure), benches, notes), '## gamma');
    assert.match(failed, /failed\*\* \(`cd apps\/gamma && node bench\/gamma\.bench\.mjs`\): killed by SIGKILL/);
    assert.match(failed, /No earlier figures\./);
    assert.doesNotMatch(failed, /\| measure \||Not run yet/);
  });

  it('says so when nothing has run yet', () => {
    const page = renderPage({ format: 1, runs: {}, sections: {} }, benches, notes);
    assert.match(page, /No benchmark has been run yet/);
    assert.doesNotMatch(page, /## Targets/);
  });

  it('renders the same page from the same store', () => {
    assert.equal(renderPage(mixedStore(), benches, notes), renderPage(mixedStore(), benches, notes));
  });
});

describe('formatting', () => {
  it('keeps about three significant digits and none after the point from 100', () => {
    assert.deepEqual([123456.7, 122.3, 15.14, 7.963, 0.43, 0.00849, 0].map(formatNumber), ['123,457', '122', '15.1', '7.96', '0.43', '0.0085', '0']);
  });

  it('writes durations in seconds, minutes or hours', () => {
    assert.deepEqual([42.4, 242, 3780].map(formatDuration), ['42 s', '4 min 2 s', '1 h 3 min']);
  });

  it('splits notes at the marker', () => {
    assert.deepEqual(splitNotes(`a\n${FIGURES_MARKER}\nb\n`), ['a', 'b']);
    assert.deepEqual(splitNotes('only after\n'), ['', 'only after']);
    assert.deepEqual(splitNotes(undefined), ['', '']);
  });
});
