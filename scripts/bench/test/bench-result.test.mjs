// The results protocol: what a bench script may write, where, and the command it reports.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BENCH_OUT_ENV, checkBenchResult, commandLine, median, writeBenchResult } from '../bench-result.mjs';

const repoRoot = new URL('../../../', import.meta.url);

function valid() {
  return {
    bench: 'demo-bench',
    section: 'demo: one figure',
    command: 'cd packages/demo && node bench/demo.bench.mjs 10',
    measurements: [
      {
        name: 'one call of 10 rows',
        value: 1234.5,
        unit: 'rows/s',
        baseline: { name: '10 calls of one row', value: 12.3 },
        ratio: 100.4,
        target: { text: 'at least 20x (#5)', met: true },
      },
      { name: 'a latency', value: 3.2, unit: 'ms', detail: 'median of 20', group: 'latencies' },
    ],
  };
}

describe('checkBenchResult', () => {
  it('returns a result that follows the protocol unchanged', () => {
    const result = valid();
    const before = JSON.stringify(result);
    assert.equal(checkBenchResult(result), result);
    assert.equal(JSON.stringify(result), before);
  });

  const broken = [
    ['a missing section', (r) => delete r.section, /section must be a non-empty string/],
    ['a bench name with capitals', (r) => (r.bench = 'Demo'), /bench must be lowercase/],
    ['no measurements', (r) => (r.measurements = []), /measurements must be a non-empty array/],
    ['a NaN value', (r) => (r.measurements[0].value = Number.NaN), /measurements\[0\]\.value must be a finite number \(got NaN\)/],
    ['an infinite ratio', (r) => (r.measurements[0].ratio = Number.POSITIVE_INFINITY), /measurements\[0\]\.ratio must be a finite number/],
    ['a target without met', (r) => delete r.measurements[0].target.met, /measurements\[0\]\.target\.met must be true or false/],
    ['a baseline without a value', (r) => delete r.measurements[0].baseline.value, /measurements\[0\]\.baseline\.value must be a finite number/],
    ['a measurement without a unit', (r) => delete r.measurements[1].unit, /measurements\[1\]\.unit must be a non-empty string/],
  ];
  for (const [what, breakIt, message] of broken) {
    it(`rejects ${what}, naming the field`, () => {
      const result = valid();
      breakIt(result);
      assert.throws(() => checkBenchResult(result), message);
    });
  }
});

describe('writeBenchResult', () => {
  const saved = process.env[BENCH_OUT_ENV];
  const dirs = [];
  afterEach(() => {
    if (saved === undefined) delete process.env[BENCH_OUT_ENV];
    else process.env[BENCH_OUT_ENV] = saved;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it(`writes <bench>.json into the folder ${BENCH_OUT_ENV} names`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-bench-result-'));
    dirs.push(dir);
    process.env[BENCH_OUT_ENV] = join(dir, 'nested');
    const path = writeBenchResult(valid());
    assert.equal(path, join(dir, 'nested', 'demo-bench.json'));
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), valid());
    assert.deepEqual(readdirSync(join(dir, 'nested')), ['demo-bench.json']);
  });

  it(`writes nothing when ${BENCH_OUT_ENV} is unset, as when a script runs by hand`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-bench-result-'));
    dirs.push(dir);
    delete process.env[BENCH_OUT_ENV];
    assert.equal(writeBenchResult(valid()), undefined);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('writes no file for an invalid result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cf-bench-result-'));
    dirs.push(dir);
    process.env[BENCH_OUT_ENV] = dir;
    const result = valid();
    result.measurements[0].value = Number.NaN;
    assert.throws(() => writeBenchResult(result), /value must be a finite number/);
    assert.equal(existsSync(join(dir, 'demo-bench.json')), false);
  });
});

describe('commandLine', () => {
  const script = pathToFileURL(join(fileURLToPath(repoRoot), 'packages/dataset/bench/search.bench.mjs'));

  it('gives the package folder and the script relative to it, with the arguments', () => {
    assert.equal(commandLine(script, { argv: ['100000'] }), 'cd packages/dataset && node bench/search.bench.mjs 100000');
    assert.equal(commandLine(script, { argv: [] }), 'cd packages/dataset && node bench/search.bench.mjs');
  });

  it('quotes arguments a shell would split, and writes only the named variables that are set', () => {
    const saved = process.env.CF_DEMO_CORPUS;
    process.env.CF_DEMO_CORPUS = '/tmp/my corpus.jsonl';
    try {
      assert.equal(
        commandLine(script, { argv: ["it's", '1,2'], envNames: ['CF_DEMO_CORPUS', 'CF_DEMO_UNSET'] }),
        "cd packages/dataset && CF_DEMO_CORPUS='/tmp/my corpus.jsonl' node bench/search.bench.mjs 'it'\\''s' 1,2",
      );
    } finally {
      if (saved === undefined) delete process.env.CF_DEMO_CORPUS;
      else process.env.CF_DEMO_CORPUS = saved;
    }
  });
});

describe('median', () => {
  it('takes the middle value (the upper middle of an even count) and leaves its input as it was', () => {
    const values = [30, 10, 20];
    assert.equal(median(values), 20);
    assert.deepEqual(values, [30, 10, 20]);
    assert.equal(median([4, 1, 3, 2]), 3);
    assert.equal(median([7]), 7);
    assert.throws(() => median([]), /median of no values/);
  });
});
