// `pnpm bench`: builds the packages, runs every benchmark one at a time (the machine may have two cores, shared),
// collects each one's figures and rewrites docs/benchmarks.md with docs/benchmarks.json, the results it renders.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BENCH_OUT_ENV, checkBenchResult } from './bench/bench-result.mjs';
import { BENCHES, benchCommand, selectBenches } from './bench/benches.mjs';
import { describeMachine, gitState, loadAverage } from './bench/machine.mjs';
import { renderPage } from './bench/render-page.mjs';
import { readResultsFile, withFailure, withSection, writeResultsFile } from './bench/results-file.mjs';

const USAGE = `Usage: pnpm bench [--only <name>[,<name>...]]... [--quick] [--no-build] [--render] [--list] [--docs <dir>]

  --only <name>  run only these benches (bench ids or package folder names); the page keeps the
                 other sections from the last runs stored in docs/benchmarks.json
  --quick        small sizes, to check the tooling; the page marks these figures as not the real ones
  --no-build     skip \`pnpm build\` (the benches import each package's dist)
  --render       run nothing: re-render docs/benchmarks.md from docs/benchmarks.json and the notes
  --list         print the benches and their commands
  --docs <dir>   write benchmarks.md and benchmarks.json in <dir> instead of docs/`;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
/** Characters of a failed bench's reason shown on the page, and of its stderr's end searched for that reason. */
const STDERR_TAIL = 600;
const STDERR_KEEP = 16_000;

let options;
try {
  options = parseArgs({
    options: {
      only: { type: 'string', multiple: true, default: [] },
      quick: { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      render: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      docs: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }).values;
} catch (error) {
  console.error(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (options.list) {
  for (const bench of BENCHES) console.log(`${bench.id.padEnd(20)} cd ${bench.dir} && ${benchCommand(bench)}   (quick: ${benchCommand(bench, true)})`);
  process.exit(0);
}

const docsDir = resolve(options.docs ?? join(repoRoot, 'docs'));
const resultsPath = join(docsDir, 'benchmarks.json');
const pagePath = join(docsDir, 'benchmarks.md');

let selected;
let store;
try {
  selected = selectBenches(options.only.flatMap((value) => value.split(',')).filter(Boolean));
  store = readResultsFile(resultsPath);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}

if (options.render) {
  writePage(store);
  console.log(`rendered ${pagePath} from ${resultsPath}`);
  process.exit(0);
}

if (!options['no-build']) {
  console.log('pnpm build');
  const build = spawnSync('pnpm', ['build'], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) {
    console.error('pnpm build failed, so no benchmark ran and the page is unchanged; fix the build or pass --no-build to use the dist folders as they are');
    process.exit(1);
  }
}

const started = new Date().toISOString();
const run = {
  id: started,
  started,
  finished: null,
  quick: options.quick,
  benches: selected.map((bench) => bench.id),
  machine: await describeMachine(repoRoot),
  load: { before: loadAverage(), after: null },
  git: gitState(repoRoot),
};
store = { ...store, runs: { ...store.runs, [run.id]: run } };
const outDir = mkdtempSync(join(tmpdir(), 'cf-bench-out-'));
const failures = [];
try {
  for (const bench of selected) {
    const args = options.quick ? bench.quickArgs : bench.args;
    const command = `cd ${bench.dir} && ${benchCommand(bench, options.quick)}`;
    console.log(`\n=== ${bench.id}: ${command}`);
    const at = new Date().toISOString();
    const loadBefore = loadAverage();
    const began = performance.now();
    const outcome = await runBench(bench, args);
    const seconds = (performance.now() - began) / 1000;
    const loadAfter = loadAverage();
    if (outcome.ok) {
      store = withSection(store, bench.id, { run: run.id, started: at, finished: new Date().toISOString(), seconds, load: { before: loadBefore, after: loadAfter }, result: outcome.result });
    } else {
      failures.push(`${bench.id}: ${outcome.message}`);
      console.error(`=== ${bench.id} failed: ${outcome.message}`);
      store = withFailure(store, bench.id, { run: run.id, at, command, message: outcome.message });
    }
    // Saved after every bench, so stopping a long run keeps what it measured.
    save();
  }
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
run.finished = new Date().toISOString();
run.load.after = loadAverage();
save();
console.log(`\nwrote ${pagePath} and ${resultsPath}${options.quick ? ' (quick run: marked as not the real figures)' : ''}`);
if (failures.length > 0) {
  console.error(`${failures.length} of ${selected.length} benches failed; their sections say so and keep their earlier figures:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}

function save() {
  mkdirSync(docsDir, { recursive: true });
  writeResultsFile(resultsPath, store);
  writePage(store);
}

function writePage(current) {
  const notes = {};
  for (const bench of BENCHES) {
    const path = join(repoRoot, bench.dir, bench.notes);
    notes[bench.id] = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  }
  writeFileSync(pagePath, renderPage(current, BENCHES, notes));
}

/** Runs one bench script with its output on this terminal; resolves with its checked result or why there is none. */
function runBench(bench, args) {
  const resultPath = join(outDir, `${bench.id}.json`);
  rmSync(resultPath, { force: true });
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, [bench.script, ...args], {
      cwd: join(repoRoot, bench.dir),
      env: { ...process.env, [BENCH_OUT_ENV]: outDir },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk);
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEEP);
    });
    child.on('error', (error) => resolvePromise({ ok: false, message: `could not start: ${error.message}` }));
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const reason = signal ? `killed by ${signal}` : `exited with code ${code}`;
        const tail = lastError(stderr);
        resolvePromise({ ok: false, message: tail ? `${reason}: ${tail}` : reason });
        return;
      }
      if (!existsSync(resultPath)) {
        resolvePromise({ ok: false, message: `exited normally but wrote no ${bench.id}.json to ${BENCH_OUT_ENV}; it must call writeBenchResult` });
        return;
      }
      try {
        const result = checkBenchResult(JSON.parse(readFileSync(resultPath, 'utf8')));
        if (result.bench !== bench.id) throw new Error(`its result is named '${result.bench}', expected '${bench.id}'`);
        resolvePromise({ ok: true, result });
      } catch (error) {
        resolvePromise({ ok: false, message: error.message });
      }
    });
  });
}

/**
 * Why a bench failed, on one line: the last error Node printed (`Error: ...`, `TypeError: ...`), else the last
 * lines of stderr that are neither stack frames nor Node's version footer.
 */
function lastError(stderr) {
  const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean);
  const errors = lines.filter((line) => /^(?:[A-Z]\w*)?Error\b.*:/.test(line));
  const text = errors.length > 0 ? errors[errors.length - 1] : lines.filter((line) => !/^at |^Node\.js v/.test(line)).slice(-3).join(' ');
  return text.length > STDERR_TAIL ? `${text.slice(0, STDERR_TAIL)}...` : text;
}
