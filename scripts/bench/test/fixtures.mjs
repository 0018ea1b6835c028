// Stores of results for the page and file tests: a full run and a later quick run of one bench.

export const machine = {
  cpu: 'Demo CPU (family 1, model 2)',
  cores: 2,
  memory_bytes: 8 * 2 ** 30,
  node: 'v20.20.2',
  os: 'Linux 6.1 x64',
  duckdb: { version: 'v1.5.6', node_api: '1.5.6-r.1' },
};

export const fullRun = {
  id: '2026-11-26T06:00:00.000Z',
  started: '2026-11-26T06:00:00.000Z',
  finished: '2026-11-26T06:42:30.000Z',
  quick: false,
  benches: ['alpha', 'beta'],
  machine,
  load: { before: [1.5, 1.25, 1], after: [2.5, 2, 1.75] },
  git: { commit: 'abc1234', dirty: false },
};

export const quickRun = {
  ...fullRun,
  id: '2026-11-26T07:00:00.000Z',
  started: '2026-11-26T07:00:00.000Z',
  finished: '2026-11-26T07:01:05.000Z',
  quick: true,
  benches: ['beta'],
  git: { commit: 'def5678', dirty: true },
};

export const benches = [
  { id: 'alpha', dir: 'packages/alpha', script: 'bench/alpha.bench.mjs', args: ['100'], quickArgs: ['10'], notes: 'bench/alpha.notes.md' },
  { id: 'beta', dir: 'packages/beta', script: 'bench/beta.bench.mjs', args: [], quickArgs: ['--quick'], notes: 'bench/beta.notes.md' },
  { id: 'gamma', dir: 'apps/gamma', script: 'bench/gamma.bench.mjs', args: [], quickArgs: [], notes: 'bench/gamma.notes.md' },
];

export function alphaResult() {
  return {
    bench: 'alpha',
    section: 'alpha: batch against singles',
    command: 'cd packages/alpha && node bench/alpha.bench.mjs 100',
    measurements: [
      {
        name: 'one call of 100 rows',
        value: 8053.4,
        unit: 'rows/s',
        detail: '12.42 s',
        baseline: { name: '100 calls of one row', value: 43.8, unit: 'rows/s' },
        ratio: 183.87,
        target: { text: 'at least 20x (#5)', met: true },
      },
      {
        name: 'import of 100 rows',
        value: 4343,
        unit: 'rows/s',
        baseline: { name: 'DuckDB read_json', value: 511494 },
        ratio: 0.00849,
        target: { text: 'at least 0.5x DuckDB native (#5)', met: false },
      },
    ],
  };
}

export function betaResult() {
  return {
    bench: 'beta',
    section: 'beta: latencies',
    command: 'cd packages/beta && node bench/beta.bench.mjs --quick',
    measurements: [
      { group: 'inline', name: 'text | pipes', value: 79.21, unit: 'MB/s' },
      { group: 'pool', name: 'cold start', value: 352.4, unit: 'ms' },
    ],
    notes: 'A note the script wrote for this run.',
  };
}

/** alpha from the full run, beta from the quick one, gamma never run. */
export function mixedStore() {
  return {
    format: 1,
    runs: { [fullRun.id]: fullRun, [quickRun.id]: quickRun },
    sections: {
      alpha: { run: fullRun.id, started: '2026-11-26T06:00:01.000Z', finished: '2026-11-26T06:05:00.000Z', seconds: 299, load: { before: [1.5, 1.25, 1], after: [1.75, 1.5, 1] }, result: alphaResult() },
      beta: { run: quickRun.id, started: '2026-11-26T07:00:01.000Z', finished: '2026-11-26T07:01:00.000Z', seconds: 59, load: { before: [3, 2, 1], after: [3.25, 2, 1] }, result: betaResult() },
    },
  };
}
