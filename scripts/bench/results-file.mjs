// docs/benchmarks.json: the last figures of every bench with the run they came from, so `--only` can rerun
// some benches and still render the whole page. Committed beside the page it renders.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { checkBenchResult } from './bench-result.mjs';

/** Version of the file's layout; a file of another version is refused rather than misread. */
export const RESULTS_FORMAT = 1;

/** An empty store: no runs, no sections. */
export function emptyResults() {
  return { format: RESULTS_FORMAT, runs: {}, sections: {} };
}

/** Reads and checks the stored results; a missing file is an empty store. */
export function readResultsFile(path) {
  if (!existsSync(path)) return emptyResults();
  let store;
  try {
    store = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${error.message}); restore it from git or delete it to start afresh`, { cause: error });
  }
  if (store?.format !== RESULTS_FORMAT) throw new Error(`${path} has format ${store?.format}, expected ${RESULTS_FORMAT}; restore it from git or delete it`);
  if (typeof store.runs !== 'object' || typeof store.sections !== 'object') throw new Error(`${path} lacks "runs" or "sections"; restore it from git or delete it`);
  for (const [id, section] of Object.entries(store.sections)) {
    if (section.result !== undefined) {
      try {
        checkBenchResult(section.result);
      } catch (error) {
        throw new Error(`${path}, section ${id}: ${error.message}`, { cause: error });
      }
    }
    for (const runId of [section.run, section.failure?.run]) {
      if (runId !== undefined && store.runs[runId] === undefined) throw new Error(`${path}, section ${id}: names run ${runId}, which is not in "runs"`);
    }
  }
  return store;
}

/** Writes the store through a temporary file, so an interrupted write never leaves half a file. */
export function writeResultsFile(path, store) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(pruneRuns(store), null, 2)}\n`);
  renameSync(temporary, path);
}

/** The store with `bench`'s section replaced by a successful measurement from `run`; any old failure is cleared. */
export function withSection(store, bench, section) {
  return { ...store, sections: { ...store.sections, [bench]: section } };
}

/**
 * The store with `bench`'s failure in `run` recorded. The previous figures stay, marked as older than the failed
 * run, so a failure never passes for a result and never erases the last good one.
 */
export function withFailure(store, bench, failure) {
  const previous = store.sections[bench] ?? {};
  return { ...store, sections: { ...store.sections, [bench]: { ...previous, failure } } };
}

/** The store without runs that no section refers to any more. */
export function pruneRuns(store) {
  const used = new Set(Object.values(store.sections).flatMap((s) => [s.run, s.failure?.run]).filter(Boolean));
  return { ...store, runs: Object.fromEntries(Object.entries(store.runs).filter(([id]) => used.has(id))) };
}
