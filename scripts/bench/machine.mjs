// What the figures were measured on: CPU, cores, memory, Node, OS, DuckDB, the load from other work, the commit.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The machine and runtime, as stored with each run: plain JSON. */
export async function describeMachine(repoRoot) {
  return {
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memory_bytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    duckdb: await duckdbVersion(repoRoot),
  };
}

function cpuModel() {
  let fields = {};
  try {
    // The first processor's block is enough: cores of one VM report the same model.
    const block = readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0] ?? '';
    fields = Object.fromEntries(block.split('\n').map((line) => line.split(/\s*:\s*/, 2)).filter((pair) => pair.length === 2));
  } catch {
    // No /proc (macOS): os.cpus() still names the model.
  }
  const name = fields['model name'] ?? os.cpus()[0]?.model ?? 'unknown CPU';
  const family = fields['cpu family'];
  const model = fields.model;
  return family !== undefined ? `${name} (family ${family}, model ${model ?? '?'})` : name;
}

async function duckdbVersion(repoRoot) {
  // The root has no DuckDB dependency of its own; ask the one the dataset package uses.
  const require = createRequire(join(repoRoot, 'packages/dataset/package.json'));
  const manifest = require('@duckdb/node-api/package.json');
  const { DuckDBInstance } = await import(pathToFileURL(require.resolve('@duckdb/node-api')).href);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const [[version]] = (await connection.runAndReadAll('SELECT version()')).getRows();
    return { version: String(version), node_api: manifest.version };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The 1, 5 and 15 minute load averages, two decimals. */
export function loadAverage() {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

/** The commit the working tree is on, and whether it has changes (other engineers may be editing it). */
export function gitState(repoRoot) {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' });
    return { commit, dirty: status.trim().length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}
