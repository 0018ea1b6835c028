// docs/benchmarks.json: reading, checking, recording a section or a failure, and forgetting unused runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { emptyResults, pruneRuns, readResultsFile, withFailure, withSection, writeResultsFile } from '../results-file.mjs';
import { alphaResult, fullRun, mixedStore, quickRun } from './fixtures.mjs';

const dir = mkdtempSync(join(tmpdir(), 'cf-bench-results-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readResultsFile and writeResultsFile', () => {
  it('reads a missing file as an empty store', () => {
    assert.deepEqual(readResultsFile(join(dir, 'missing.json')), emptyResults());
  });

  it('reads back what it wrote, leaving no temporary file', () => {
    const path = join(dir, 'roundtrip.json');
    writeResultsFile(path, mixedStore());
    assert.deepEqual(readResultsFile(path), mixedStore());
    assert.deepEqual(readdirSync(dir).filter((name) => name.startsWith('roundtrip')), ['roundtrip.json']);
  });

  it('refuses a file of another format, invalid JSON, or a section whose result breaks the protocol', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ ...mixedStore(), format: 2 }));
    assert.throws(() => readResultsFile(path), /has format 2, expected 1/);
    writeFileSync(path, '{ not json');
    assert.throws(() => readResultsFile(path), /is not valid JSON/);
    const store = mixedStore();
    store.sections.alpha.result.measurements[0].value = 'fast';
    writeFileSync(path, JSON.stringify(store));
    assert.throws(() => readResultsFile(path), /section alpha: bench result: measurements\[0\]\.value must be a finite number/);
  });

  it('refuses a section that names a run the file does not hold', () => {
    const path = join(dir, 'orphan.json');
    const store = mixedStore();
    delete store.runs[quickRun.id];
    writeFileSync(path, JSON.stringify(store));
    assert.throws(() => readResultsFile(path), new RegExp(`section beta: names run ${quickRun.id}`));
  });
});

describe('withSection and withFailure', () => {
  it('replaces a section with a new result and clears its old failure, leaving the other sections as they were', () => {
    const store = withFailure(mixedStore(), 'alpha', { run: quickRun.id, at: quickRun.started, command: 'x', message: 'boom' });
    const section = { run: quickRun.id, started: quickRun.started, finished: quickRun.finished, seconds: 5, load: { before: [1], after: [1] }, result: alphaResult() };
    const next = withSection(store, 'alpha', section);
    assert.deepEqual(next.sections.alpha, section);
    assert.equal(next.sections.alpha.failure, undefined);
    assert.deepEqual(next.sections.beta, mixedStore().sections.beta);
  });

  it('records a failure beside the previous figures, which stay unchanged', () => {
    const failure = { run: quickRun.id, at: quickRun.started, command: 'cd packages/alpha && node bench/alpha.bench.mjs 10', message: 'exited with code 1: Error: boom' };
    const next = withFailure(mixedStore(), 'alpha', failure);
    assert.deepEqual(next.sections.alpha.failure, failure);
    const { failure: _, ...rest } = next.sections.alpha;
    assert.deepEqual(rest, mixedStore().sections.alpha);
  });

  it('records a failure of a bench that never had figures', () => {
    const failure = { run: fullRun.id, at: fullRun.started, command: 'c', message: 'm' };
    assert.deepEqual(withFailure(mixedStore(), 'gamma', failure).sections.gamma, { failure });
  });
});

describe('pruneRuns', () => {
  it('drops runs no section or failure refers to, and keeps the rest', () => {
    const store = mixedStore();
    store.runs['2026-01-01T00:00:00.000Z'] = { ...fullRun, id: '2026-01-01T00:00:00.000Z' };
    assert.deepEqual(Object.keys(pruneRuns(store).runs).sort(), [fullRun.id, quickRun.id]);
    const onlyFailure = withFailure({ ...store, sections: {} }, 'alpha', { run: quickRun.id, at: 'x', command: 'c', message: 'm' });
    assert.deepEqual(Object.keys(pruneRuns(onlyFailure).runs), [quickRun.id]);
  });

  it('is applied when writing', () => {
    const path = join(dir, 'pruned.json');
    const store = mixedStore();
    store.runs.unused = { ...fullRun, id: 'unused' };
    writeResultsFile(path, store);
    assert.equal(existsSync(path), true);
    assert.equal(JSON.parse(readFileSync(path, 'utf8')).runs.unused, undefined);
  });
});
