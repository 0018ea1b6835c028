// The registry against the repository: every bench script is in it, each package's `bench` script runs the same
// command, and every bench has its notes.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BENCHES, benchCommand, selectBenches } from '../benches.mjs';
import { FIGURES_MARKER } from '../render-page.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

describe('BENCHES', () => {
  it('lists every *.bench.mjs of every package and app, once', () => {
    const found = ['packages', 'apps'].flatMap((group) =>
      readdirSync(join(repoRoot, group)).flatMap((name) => {
        const bench = join(repoRoot, group, name, 'bench');
        return existsSync(bench) ? readdirSync(bench).filter((file) => file.endsWith('.bench.mjs')).map((file) => `${group}/${name}/bench/${file}`) : [];
      }),
    );
    const registered = BENCHES.map((bench) => `${bench.dir}/${bench.script}`);
    assert.deepEqual([...registered].sort(), [...found].sort());
    assert.equal(new Set(BENCHES.map((bench) => bench.id)).size, BENCHES.length);
  });

  it("matches each package's own `bench` script, so a run by hand measures the same sizes", () => {
    for (const bench of BENCHES) {
      const script = JSON.parse(readFileSync(join(repoRoot, bench.dir, 'package.json'), 'utf8')).scripts?.bench ?? '';
      const commands = script.split('&&').map((part) => part.trim());
      assert.ok(commands.includes(benchCommand(bench)), `${bench.dir}/package.json "bench" should run \`${benchCommand(bench)}\`; it is \`${script}\``);
    }
  });

  it('has a notes file for every bench, with the marker that places its figures', () => {
    for (const bench of BENCHES) {
      const path = join(repoRoot, bench.dir, bench.notes);
      assert.ok(existsSync(path), `${bench.dir}/${bench.notes} is missing`);
      assert.ok(readFileSync(path, 'utf8').includes(FIGURES_MARKER), `${bench.dir}/${bench.notes} lacks ${FIGURES_MARKER}`);
    }
  });

  it('has quick arguments that differ from the real ones, so --quick never runs the full sizes', () => {
    for (const bench of BENCHES) assert.notDeepEqual(bench.quickArgs, bench.args, bench.id);
  });
});

describe('selectBenches', () => {
  it('selects everything, in page order, when nothing is named', () => {
    assert.deepEqual(selectBenches([]), [...BENCHES]);
  });

  it('selects by bench id or by package folder name, in page order, without duplicates', () => {
    assert.deepEqual(selectBenches(['stdio', 'dataset-search']).map((b) => b.id), ['dataset-search', 'stdio']);
    assert.deepEqual(selectBenches(['core', 'core-add']).map((b) => b.id), ['core-add', 'core-import-export']);
    assert.deepEqual(selectBenches(['stdio-server']).map((b) => b.id), ['stdio']);
  });

  it('refuses a name that matches nothing, listing the valid ones', () => {
    assert.throws(() => selectBenches(['io', 'serach']), /no benchmark is called 'serach'; use one of: dataset-store, dataset-search, io/);
  });
});
