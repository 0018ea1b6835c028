// The results protocol shared by every benchmark script: besides its human output, a script describes its
// figures as one JSON document, which `pnpm bench` (scripts/bench.mjs) collects to rewrite docs/benchmarks.md.
//
// A result is { bench, section, command, measurements: [measurement], notes? } where a measurement is
// { name, value, unit, detail?, group?, baseline?: { name, value, unit?, detail? }, ratio?, target?: { text, met } }.
// `ratio` is computed by the script, which knows which way round its comparison reads (a speed-up, a cost in
// single queries, a share of DuckDB's throughput); the measurement's name says which.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Environment variable naming the folder a script writes `<bench>.json` into; unset when run by hand. */
export const BENCH_OUT_ENV = 'CF_BENCH_OUT';

/**
 * The command that reruns this script by hand from the repository root, e.g.
 * `cd packages/dataset && node bench/store.bench.mjs 100000 10000`. `envNames` lists variables that change
 * what the script measures; those that are set are written in front of `node`.
 */
export function commandLine(scriptUrl, { argv = process.argv.slice(2), envNames = [] } = {}) {
  const script = fileURLToPath(scriptUrl);
  // Bench scripts live in <package>/bench/ and are run from the package folder, as its `bench` script does.
  const packageDir = dirname(dirname(script));
  const cd = relative(repoRoot, packageDir).split(sep).join('/');
  const env = envNames.filter((name) => process.env[name] !== undefined).map((name) => `${name}=${quote(process.env[name])} `);
  const args = argv.map(quote);
  return `cd ${cd || '.'} && ${env.join('')}node ${relative(packageDir, script).split(sep).join('/')}${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
}

/** The middle value of `values` (the upper middle for an even count), without reordering `values`. */
export function median(values) {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function quote(text) {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * Checks `result` against the protocol and returns it; throws an Error naming the first field that is wrong, so a
 * script fails loudly instead of leaving a hole in the page. Used by the scripts and again by the collector.
 */
export function checkBenchResult(result) {
  const fail = (path, what) => {
    throw new Error(`bench result: ${path} ${what}; see scripts/bench/bench-result.mjs for the format`);
  };
  const text = (value, path, optional = false) => {
    if (value === undefined && optional) return;
    if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  };
  const number = (value, path, optional = false) => {
    if (value === undefined && optional) return;
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, `must be a finite number (got ${String(value)})`);
  };
  if (result === null || typeof result !== 'object') fail('result', 'must be an object');
  text(result.bench, 'bench');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(result.bench)) fail('bench', 'must be lowercase letters, digits and dashes');
  text(result.section, 'section');
  text(result.command, 'command');
  text(result.notes, 'notes', true);
  if (!Array.isArray(result.measurements) || result.measurements.length === 0) fail('measurements', 'must be a non-empty array');
  result.measurements.forEach((m, i) => {
    const at = `measurements[${i}]`;
    if (m === null || typeof m !== 'object') fail(at, 'must be an object');
    text(m.name, `${at}.name`);
    number(m.value, `${at}.value`);
    text(m.unit, `${at}.unit`);
    text(m.detail, `${at}.detail`, true);
    text(m.group, `${at}.group`, true);
    number(m.ratio, `${at}.ratio`, true);
    if (m.baseline !== undefined) {
      if (m.baseline === null || typeof m.baseline !== 'object') fail(`${at}.baseline`, 'must be an object');
      text(m.baseline.name, `${at}.baseline.name`);
      number(m.baseline.value, `${at}.baseline.value`);
      text(m.baseline.unit, `${at}.baseline.unit`, true);
      text(m.baseline.detail, `${at}.baseline.detail`, true);
    }
    if (m.target !== undefined) {
      if (m.target === null || typeof m.target !== 'object') fail(`${at}.target`, 'must be an object');
      text(m.target.text, `${at}.target.text`);
      if (typeof m.target.met !== 'boolean') fail(`${at}.target.met`, 'must be true or false');
    }
  });
  return result;
}

/**
 * Checks `result` and, when CF_BENCH_OUT names a folder, writes it there as `<bench>.json`; returns the path
 * written, or undefined when the script runs by hand without the variable.
 */
export function writeBenchResult(result) {
  checkBenchResult(result);
  const dir = process.env[BENCH_OUT_ENV];
  if (!dir) return undefined;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${result.bench}.json`);
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}
