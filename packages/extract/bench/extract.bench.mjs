// Extraction speed per format on generated documents, on this thread and through the worker pool.
// Run `pnpm build` first; then `pnpm bench` (node bench/extract.bench.mjs).
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { WorkerPoolExtractor, extractInline } from '../dist/index.js';

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

const documents = [
  ['pdf, 100 pages', 'a.pdf', await pdf(100)],
  ['docx, 500 paragraphs', 'a.docx', await docx(500)],
  ['html, 3,000 paragraphs', 'a.html', html(3000)],
  ['markdown, 3,000 paragraphs', 'a.md', utf8(`---\ntitle: Bench\n---\n# Bench\n\n${Array.from({ length: 3000 }, (_, i) => words(60, i)).join('\n\n')}`)],
  ['json, 20,000 strings', 'a.json', utf8(JSON.stringify({ items: Array.from({ length: 20_000 }, (_, i) => ({ id: i, text: words(20, i) })) }))],
  ['jsonl, 20,000 lines', 'a.jsonl', utf8(Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ id: i, text: words(20, i) })).join('\n'))],
  ['csv, 50,000 rows', 'a.csv', utf8(`id,name,text\n${Array.from({ length: 50_000 }, (_, i) => `${i},"n ${i}",${words(8, i)}`).join('\n')}`)],
  ['text, 5 MB', 'a.txt', utf8(words(700_000, 1))],
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

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
}

// The pool: a cold start (thread plus module loading), then many small files through two workers.
let started = performance.now();
const pool = new WorkerPoolExtractor({ workers: 2 });
await pool.extract({ bytes: utf8('hello'), name: 'a.txt' });
const cold = performance.now() - started;
const small = await pdf(1);
await Promise.all([pool.extract({ bytes: small, name: 'w.pdf' }), pool.extract({ bytes: small, name: 'w.pdf' })]);
started = performance.now();
await Promise.all(Array.from({ length: 500 }, () => pool.extract({ bytes: small, name: 'p.pdf' })));
const pdfRate = 500 / ((performance.now() - started) / 1000);
const smallHtml = html(20);
started = performance.now();
await Promise.all(Array.from({ length: 2000 }, () => pool.extract({ bytes: smallHtml, name: 'p.html' })));
const htmlRate = 2000 / ((performance.now() - started) / 1000);
await pool.close();
console.log(`\npool, 2 workers: first result from a new pool ${cold.toFixed(0)} ms; one-page PDFs ${pdfRate.toFixed(0)}/s; ${(smallHtml.length / 1000).toFixed(0)} kB HTML pages ${htmlRate.toFixed(0)}/s`);
