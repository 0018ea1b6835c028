// Adds up istanbul coverage-final.json reports of disjoint files and enforces the coverage gate on the total.
// packages/extract needs it: vitest measures its sources in-process, c8 measures the worker entry that only ever
// runs in worker threads, and the package's figure is the two together.
//
//   node scripts/coverage-total.mjs --lines 90 --branches 85 <label>=<coverage-final.json> ...
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const METRICS = ['statements', 'branches', 'functions', 'lines'];

/** Covered and total counts of one file's istanbul coverage, per metric (lines as istanbul derives them). */
function countFile(file) {
  const lines = new Map();
  for (const [id, count] of Object.entries(file.s)) {
    const line = file.statementMap[id]?.start.line;
    if (line !== undefined) lines.set(line, Math.max(lines.get(line) ?? 0, count));
  }
  const branchCounts = Object.values(file.b).flat();
  const tally = (counts) => ({ covered: counts.filter((count) => count > 0).length, total: counts.length });
  return {
    statements: tally(Object.values(file.s)),
    branches: tally(branchCounts),
    functions: tally(Object.values(file.f)),
    lines: tally([...lines.values()]),
  };
}

function add(sum, counts) {
  for (const metric of METRICS) {
    sum[metric].covered += counts[metric].covered;
    sum[metric].total += counts[metric].total;
  }
}

const empty = () => Object.fromEntries(METRICS.map((metric) => [metric, { covered: 0, total: 0 }]));
const pct = ({ covered, total }) => (total === 0 ? 100 : (covered / total) * 100);
const row = (label, sums) => `${label.padEnd(28)}${METRICS.map((metric) => `${pct(sums[metric]).toFixed(2).padStart(8)}% (${sums[metric].covered}/${sums[metric].total})`.padEnd(26)).join('')}`;

const args = process.argv.slice(2);
const thresholds = {};
const reports = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--lines' || arg === '--branches' || arg === '--functions' || arg === '--statements') thresholds[arg.slice(2)] = Number(args[++i]);
  else if (arg.includes('=')) reports.push({ label: arg.slice(0, arg.indexOf('=')), path: arg.slice(arg.indexOf('=') + 1) });
  else throw new Error(`coverage-total: unexpected argument ${arg}; pass --<metric> <percent> and <label>=<coverage-final.json>`);
}
if (reports.length === 0) throw new Error('coverage-total: name at least one <label>=<coverage-final.json>');

const seen = new Map();
const total = empty();
console.log(`${''.padEnd(28)}${METRICS.map((metric) => metric.padEnd(26)).join('')}`);
for (const { label, path } of reports) {
  const data = JSON.parse(readFileSync(path, 'utf8'));
  const sums = empty();
  for (const [file, coverage] of Object.entries(data)) {
    // The reports must not overlap: a file measured twice would be counted twice.
    if (seen.has(file)) throw new Error(`coverage-total: ${relative(process.cwd(), file)} is in both ${seen.get(file)} and ${label}; measure each file once`);
    seen.set(file, label);
    add(sums, countFile(coverage));
  }
  add(total, sums);
  console.log(row(`${label} (${Object.keys(data).length} files)`, sums));
}
console.log(row('total', total));

const failures = Object.entries(thresholds).filter(([metric, minimum]) => pct(total[metric]) < minimum);
for (const [metric, minimum] of failures) console.error(`ERROR: Coverage for ${metric} (${pct(total[metric]).toFixed(2)}%) does not meet the threshold (${minimum}%)`);
process.exitCode = failures.length > 0 ? 1 : 0;
