// The benchmarks `pnpm bench` runs, in page order: which script, with which arguments at real and at quick sizes,
// and where the notes kept beside the script are. A package's own `bench` script runs the same `args`.

/**
 * @typedef {object} Bench
 * @property {string} id          name for `--only`, and the `bench` field the script writes
 * @property {string} dir         package folder, relative to the repository root; the script runs there
 * @property {string} script      relative to `dir`
 * @property {readonly string[]} args       real sizes, as in the package's `bench` script
 * @property {readonly string[]} quickArgs  small sizes for `--quick`: checks the tooling, never the real figures
 * @property {string} notes       markdown beside the script, relative to `dir`: the section's prose
 */

/** Every benchmark, in the order of the page. */
export const BENCHES = Object.freeze([
  {
    id: 'dataset-store',
    dir: 'packages/dataset',
    script: 'bench/store.bench.mjs',
    args: ['100000', '10000'],
    quickArgs: ['5000', '200'],
    notes: 'bench/store.notes.md',
  },
  {
    id: 'dataset-search',
    dir: 'packages/dataset',
    script: 'bench/search.bench.mjs',
    args: ['100000'],
    quickArgs: ['5000'],
    notes: 'bench/search.notes.md',
  },
  {
    id: 'io',
    dir: 'packages/io',
    script: 'bench/io.bench.mjs',
    args: ['100000,1000000'],
    quickArgs: ['5000,20000'],
    notes: 'bench/io.notes.md',
  },
  {
    id: 'extract',
    dir: 'packages/extract',
    script: 'bench/extract.bench.mjs',
    args: [],
    quickArgs: ['--quick'],
    notes: 'bench/extract.notes.md',
  },
  {
    id: 'core-add',
    dir: 'packages/core',
    script: 'bench/add.bench.mjs',
    args: ['10000', '10000'],
    quickArgs: ['1000', '200'],
    notes: 'bench/add.notes.md',
  },
  {
    id: 'core-import-export',
    dir: 'packages/core',
    script: 'bench/import-export.bench.mjs',
    args: ['1000000', '--rss'],
    quickArgs: ['20000'],
    notes: 'bench/import-export.notes.md',
  },
  {
    id: 'stdio',
    dir: 'apps/stdio-server',
    script: 'bench/stdio.bench.mjs',
    args: ['1000', '100'],
    quickArgs: ['100', '20'],
    notes: 'bench/stdio.notes.md',
  },
].map((bench) => Object.freeze({ ...bench, args: Object.freeze(bench.args), quickArgs: Object.freeze(bench.quickArgs) })));

/**
 * The benches named by `--only` values: a bench id (`dataset-search`) or a package folder's name (`dataset`,
 * `stdio-server`) selecting all of its benches. Throws, listing the names, when one matches nothing.
 */
export function selectBenches(names) {
  if (names.length === 0) return [...BENCHES];
  const chosen = new Set();
  for (const name of names) {
    const matches = BENCHES.filter((b) => b.id === name || b.dir.split('/').pop() === name);
    if (matches.length === 0) {
      throw new Error(`no benchmark is called '${name}'; use one of: ${BENCHES.map((b) => b.id).join(', ')} (or a package folder name)`);
    }
    for (const match of matches) chosen.add(match);
  }
  return BENCHES.filter((b) => chosen.has(b));
}

/** The command line a package's `bench` script uses for `bench`, e.g. `node bench/io.bench.mjs 100000,1000000`. */
export function benchCommand(bench, quick = false) {
  return ['node', bench.script, ...(quick ? bench.quickArgs : bench.args)].join(' ');
}
