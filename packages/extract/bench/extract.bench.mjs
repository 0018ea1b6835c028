// Extraction speed per format on generated documents, on this thread and through the worker pool.
// Run `pnpm build` first; then `pnpm bench` (node bench/extract.bench.mjs [--quick]). Writes its figures to
// $CF_BENCH_OUT for the root `pnpm bench`.
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { WorkerPoolExtractor, extractInline } from '../dist/index.js';
import { commandLine, median, writeBenchResult } from '../../../scripts/bench/bench-result.mjs';

const utf8 = (text) => new TextEncoder().encode(text);
const words = (n, seed) => Array.from({ length: n }, (_, i) => `word${(i * 7919 + seed) % 1000}`).join(' ');

async function pdf(pages) {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([612, 792]);
    for (let line = 0; line < 40; line++) page.drawText(words(12, p * 40 + line), { x: 40, y: 760 - line * 18, font, size: 10 });
  }
  return doc.save();
}

async function docx(paragraphs) {
  const doc = new Document({ sections: [{ children: Array.from({ length: paragraphs }, (_, i) => new Paragraph(words(60, i))) }] });
  return new Uint8Array(await Packer.toBuffer(doc));
}

function html(paragraphs) {
  const body = Array.from({ length: paragraphs }, (_, i) => `<p class="c${i % 7}">${words(60, i)} <a href="/x/${i}">link ${i}</a></p>`).join('\n');
  return utf8(`<!doctype html><html><head><title>Bench</title><script>${'var x = 1;'.repeat(2000)}</script></head><body><nav>${'<a>menu</a>'.repeat(200)}</nav><main><article><h1>Bench</h1>${body}</article></main><footer>f</footer></body></html>`);
}

// `--quick` makes every document and pool run a tenth of the size, to check the script rather than measure.
const SCALE = process.argv.includes('--quick') ? 0.1 : 1;
const scaled = (n) => Math.round(n * SCALE);
const count = (n) => n.toLocaleString('en-US');
const documents = [
  [`pdf, ${count(scaled(100))} pages`, 'a.pdf', await pdf(scaled(100))],
  [`docx, ${count(scaled(500))} paragraphs`, 'a.docx', await docx(scaled(500))],
  [`html, ${count(scaled(3000))} paragraphs`, 'a.html', html(scaled(3000))],
  [`markdown, ${count(scaled(3000))} paragraphs`, 'a.md', utf8(`---\ntitle: Bench\n---\n# Bench\n\n${Array.from({ length: scaled(3000) }, (_, i) => words(60, i)).join('\n\n')}`)],
  [`json, ${count(scaled(20_000))} strings`, 'a.json', utf8(JSON.stringify({ items: Array.from({ length: scaled(20_000) }, (_, i) => ({ id: i, text: words(20, i) })) }))],
  [`jsonl, ${count(scaled(20_000))} lines`, 'a.jsonl', utf8(Array.from({ length: scaled(20_000) }, (_, i) => JSON.stringify({ id: i, text: words(20, i) })).join('\n'))],
  [`csv, ${count(scaled(50_000))} rows`, 'a.csv', utf8(`id,name,text\n${Array.from({ length: scaled(50_000) }, (_, i) => `${i},"n ${i}",${words(8, i)}`).join('\n')}`)],
  [`text, ${count(scaled(700_000))} words`, 'a.txt', utf8(words(scaled(700_000), 1))],
];

const measurements = [];
console.log('| document | size | inline (median of 5) | MB/s |');
console.log('|---|---|---|---|');
for (const [label, name, bytes] of documents) {
  await extractInline({ bytes, name });
  const times = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await extractInline({ bytes, name });
    times.push(performance.now() - started);
  }
  const ms = median(times);
  console.log(`| ${label} | ${(bytes.length / 1e6).toFixed(2)} MB | ${ms.toFixed(0)} ms | ${(bytes.length / 1e6 / (ms / 1000)).toFixed(1)} |`);
  measurements.push({ group: 'one document on this thread (`extractInline`), median of 5', name: label, value: bytes.length / 1e6 / (ms / 1000), unit: 'MB/s', detail: `${(bytes.length / 1e6).toFixed(2)} MB in ${ms.toFixed(0)} ms` });
}

// The pool: a cold start (thread plus module loading), then many small files through two workers.
let started = performance.now();
const pool = new WorkerPoolExtractor({ workers: 2 });
await pool.extract({ bytes: utf8('hello'), name: 'a.txt' });
const cold = performance.now() - started;
const small = await pdf(1);
await Promise.all([pool.extract({ bytes: small, name: 'w.pdf' }), pool.extract({ bytes: small, name: 'w.pdf' })]);
started = performance.now();
const PDFS = scaled(500);
const PAGES = scaled(2000);
await Promise.all(Array.from({ length: PDFS }, () => pool.extract({ bytes: small, name: 'p.pdf' })));
const pdfRate = PDFS / ((performance.now() - started) / 1000);
const smallHtml = html(20);
started = performance.now();
await Promise.all(Array.from({ length: PAGES }, () => pool.extract({ bytes: smallHtml, name: 'p.html' })));
const htmlRate = PAGES / ((performance.now() - started) / 1000);
await pool.close();
console.log(`\npool, 2 workers: first result from a new pool ${cold.toFixed(0)} ms; one-page PDFs ${pdfRate.toFixed(0)}/s; ${(smallHtml.length / 1000).toFixed(0)} kB HTML pages ${htmlRate.toFixed(0)}/s`);
const poolGroup = 'the worker pool (`WorkerPoolExtractor`, 2 workers)';
measurements.push(
  { group: poolGroup, name: 'first result from a new pool (thread start and module loading)', value: cold, unit: 'ms' },
  { group: poolGroup, name: `${count(PDFS)} one-page PDFs at once`, value: pdfRate, unit: 'files/s', detail: `${(small.length / 1000).toFixed(0)} kB each` },
  { group: poolGroup, name: `${count(PAGES)} HTML pages at once`, value: htmlRate, unit: 'files/s', detail: `${(smallHtml.length / 1000).toFixed(0)} kB each` },
);
writeBenchResult({ bench: 'extract', section: 'extract: text extraction', command: commandLine(import.meta.url), measurements });
