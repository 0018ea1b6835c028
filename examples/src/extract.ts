// @contextframe/extract: text from a Markdown file on the calling thread, then several formats through a pool
// of worker threads, where a file it cannot read fails alone with a stable code.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectFormat, extractInline, isExtractError, WorkerPoolExtractor } from '@contextframe/extract';

const folder = mkdtempSync(join(tmpdir(), 'contextframe-example-'));
const files: Record<string, string> = {
  'release-notes.md': '---\ntitle: Release notes 2.1\nversion: 2.1.0\n---\n# What changed\n\nSearch is *faster*.\n\n- hybrid search\n- exports to Parquet\n',
  'faq.html':
    '<html><head><title>FAQ</title></head><body><nav>Home | Docs</nav><main><h1>FAQ</h1><p>Is it offline?</p><p>Yes: nothing is downloaded.</p></main></body></html>',
  'prices.csv': 'plan,price\nfree,0\nteam,12\n',
  'config.json': '{"name": "contextframe", "description": "Document datasets for agents", "port": 3000}',
  'logo.png': '\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00',
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), Buffer.from(text, 'latin1'));

// Inline: simple, but a pathological file blocks this thread for as long as its parser takes.
const markdown = await extractInline({ bytes: readFileSync(join(folder, 'release-notes.md')), name: 'release-notes.md' });
console.log(`${markdown.format}: title "${markdown.title}", version ${markdown.metadata.version}`);
console.log(markdown.content);

// A pool runs each extraction in a worker thread it can terminate: a hung or crashing parser costs one call.
const pool = new WorkerPoolExtractor({ workers: 2, timeoutMs: 10_000 });
try {
  const names = ['faq.html', 'prices.csv', 'config.json', 'logo.png'];
  const outcomes = await Promise.allSettled(
    names.map((name) => pool.extract({ bytes: readFileSync(join(folder, name)), name })),
  );
  outcomes.forEach((outcome, i) => {
    const name = names[i]!;
    if (outcome.status === 'fulfilled') {
      const { format, title, content } = outcome.value;
      console.log(`${name} -> ${format}, title ${JSON.stringify(title)}: ${JSON.stringify(content)}`);
    } else if (isExtractError(outcome.reason)) {
      // Per-file failures have stable codes: record them and go on with the other files.
      console.log(`${name} -> ${outcome.reason.code}`);
    } else {
      throw outcome.reason;
    }
  });
} finally {
  await pool.close();
  rmSync(folder, { recursive: true, force: true });
}

// Detection trusts what the bytes prove over a file name that lies.
console.log(`"%PDF-1.7 ..." named notes.txt is ${detectFormat({ bytes: Buffer.from('%PDF-1.7\n'), name: 'notes.txt' })}`);
