import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchImport, CollectingProgressSink } from '../../src/index.js';
import { HookedEmbedder, ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;
let root: string;

beforeEach(async () => {
  t = await openTestDataset();
  root = mkdtempSync(join(tmpdir(), 'cf-import-'));
  await batchAdd({ documents: [0, 1, 2].map((i) => ({ content: `stored ${i}`, metadata: { uuid: ID(i), v: 'old' } })) }, t.context());
});

afterEach(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

function jsonl(name: string, rows: unknown[]): string {
  const path = join(root, name);
  writeFileSync(path, `${rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n')}\n`);
  return path;
}

describe('batch_import', () => {
  it('reports progress while it reads, with an estimated total that ends exact, and a summary of what happened', async () => {
    // 5,000 rows of ~1.5 KB span several 1 MiB reads, so the estimate is made more than once.
    const rows: unknown[] = Array.from({ length: 5000 }, (_, i) => ({ content: `row ${i} ${'y'.repeat(1500)}` }));
    rows[10] = '{broken';
    rows[20] = { uuid: ID(1), content: 'exists already' };
    const sink = new CollectingProgressSink();
    const result = await batchImport({ source_path: jsonl('big.jsonl', rows), on_conflict: 'skip' }, t.context({ allowedRoots: [root], progress: sink }));
    expect(result).toMatchObject({ documents_found: 5000, documents_imported: 4998, documents_failed: 1 });
    const progress = sink.ofType('progress');
    expect(progress.length).toBeGreaterThan(2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.current).toBeGreaterThan(progress[i - 1]!.current);
    expect(progress.slice(0, -1).every((event) => event.current < event.total)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ current: 5000, total: 5000 });
    expect(sink.ofType('complete')[0]!.summary).toMatchObject({ status: 'partial', total: 5000, succeeded: 4998, failed: 1, skipped: 1 });
    expect(result.progress).toMatchObject({ total: 5000, current: 5000, status: 'partial' });
  });

  it('imports rows, keeps their ids and embeds them, reporting bad rows within max_errors', async () => {
    const path = jsonl('in.jsonl', [{ uuid: ID(10), content: 'new ten', tags: ['x'] }, '{not json', { content: 'no id', metadata: { k: 1 } }]);
    const result = await batchImport({ source_path: path }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ success: false, format: 'jsonl', documents_found: 3, documents_imported: 2, documents_failed: 1, embeddings_generated: 2 });
    expect(result.errors).toEqual([expect.objectContaining({ row: 2 })]);
    const [ten] = await t.dataset.get([ID(10)]);
    expect(ten).toMatchObject({ content: 'new ten', tags: ['x'] });
    expect(ten!.embedding).toHaveLength(64);
    expect(await t.dataset.count()).toBe(5);
  });

  it('keeps embeddings of the dataset\'s dimension from the file and embeds rows whose vector is missing or the wrong size', async () => {
    const kept = Array.from({ length: 64 }, (_, i) => (i === 0 ? 1 : 0));
    const path = jsonl('v.jsonl', [
      { uuid: ID(20), content: 'has vector', embedding: kept },
      { uuid: ID(21), content: 'short vector', embedding: [1, 0, 0] },
      { uuid: ID(22), content: 'no vector' },
    ]);
    const result = await batchImport({ source_path: path }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ success: true, documents_imported: 3, embeddings_generated: 2 });
    const [withVector, short] = await t.dataset.get([ID(20), ID(21)]);
    expect([...withVector!.embedding!]).toEqual(kept);
    expect(short!.embedding).toHaveLength(64);
  });

  it('reports a uuid that is not a UUID as a bad row', async () => {
    const path = jsonl('u.jsonl', [{ uuid: 'not-a-uuid', content: 'x' }, { content: 'y' }]);
    const result = await batchImport({ source_path: path }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 1, documents_failed: 1, errors: [{ row: 1, field: 'uuid' }] });
  });

  it('imports nothing when bad rows exceed max_errors', async () => {
    const before = await snapshot(t.dataset);
    const path = jsonl('bad.jsonl', [{ uuid: ID(10), content: 'fine' }, '{bad', '{bad', { content: 'fine too' }]);
    const error = await rejection(batchImport({ source_path: path, validation: { max_errors: 1 } }, t.context({ allowedRoots: [root] })));
    expect(error.code).toBe('TOO_MANY_ERRORS');
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it("on_conflict 'error' makes an existing id a bad row and leaves the stored record alone", async () => {
    const path = jsonl('c.jsonl', [{ uuid: ID(1), content: 'new one' }, { uuid: ID(11), content: 'eleven' }]);
    const result = await batchImport({ source_path: path }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 1, documents_failed: 1, errors: [{ row: 1, field: 'uuid' }] });
    expect((await t.dataset.get([ID(1)]))[0]!.content).toBe('stored 1');
  });

  it("on_conflict 'skip' leaves existing records and imports the rest", async () => {
    const path = jsonl('c.jsonl', [{ uuid: ID(1), content: 'new one' }, { uuid: ID(11), content: 'eleven' }]);
    const result = await batchImport({ source_path: path, on_conflict: 'skip' }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ success: true, documents_imported: 1, documents_failed: 0 });
    expect((await t.dataset.get([ID(1)]))[0]!.content).toBe('stored 1');
    expect(await t.dataset.count()).toBe(4);
  });

  it("on_conflict 'replace' overwrites existing records", async () => {
    const path = jsonl('c.jsonl', [{ uuid: ID(1), content: 'new one' }, { uuid: ID(11), content: 'eleven' }]);
    const result = await batchImport({ source_path: path, on_conflict: 'replace' }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ success: true, documents_imported: 2 });
    const [one] = await t.dataset.get([ID(1)]);
    expect(one).toMatchObject({ content: 'new one', metadata: {} });
    expect(await t.dataset.count()).toBe(4);
  });

  it.each(['error', 'skip', 'replace'] as const)(
    "with on_conflict '%s', treats a uuid repeated in a later chunk the same whether the dataset started empty or not",
    async (onConflict) => {
      // 2,500 rows span three chunks of 1,000; row 1,500 repeats row 10's uuid, row 2,400 repeats row 1,200's.
      const rows = Array.from({ length: 2500 }, (_, i) => ({ uuid: ID(1000 + i), content: `row ${i + 1}` }));
      rows[1499] = { uuid: ID(1000 + 9), content: 'row 1500 repeats row 10' };
      rows[2399] = { uuid: ID(1000 + 1199), content: 'row 2400 repeats row 1200' };
      const path = jsonl(`repeat-${onConflict}.jsonl`, rows);
      const empty = await openTestDataset();
      try {
        const input = { source_path: path, on_conflict: onConflict, generate_embeddings: false };
        const fromEmpty = await batchImport(input, empty.context({ allowedRoots: [root] }));
        const fromStored = await batchImport(input, t.context({ allowedRoots: [root] })); // t holds 3 other records
        expect({ ...fromEmpty, progress: null }).toEqual({ ...fromStored, progress: null });
        const expected = { error: [2498, 2], skip: [2498, 0], replace: [2500, 0] }[onConflict];
        expect([fromEmpty.documents_imported, fromEmpty.documents_failed]).toEqual(expected);
        if (onConflict === 'error') expect(fromEmpty.errors.map((e) => e.row)).toEqual([1500, 2400]);
        const stored = async (d: typeof t.dataset) => (await d.get([ID(1009), ID(2199)])).map((record) => record.content);
        expect(await stored(empty.dataset)).toEqual(await stored(t.dataset));
        expect(await stored(empty.dataset)).toEqual(
          onConflict === 'replace' ? ['row 1500 repeats row 10', 'row 2400 repeats row 1200'] : ['row 10', 'row 1200'],
        );
        expect(await empty.dataset.count()).toBe(2498);
        expect(await t.dataset.count()).toBe(2501);
      } finally {
        await empty.close();
      }
    },
  );

  it('leaves the dataset unchanged when cancelled mid-import', async () => {
    const before = await snapshot(t.dataset);
    const controller = new AbortController();
    const embedder = new HookedEmbedder((call) => {
      if (call === 2) controller.abort(new Error('stop'));
    });
    const path = jsonl('many.jsonl', Array.from({ length: 2500 }, (_, i) => ({ content: `row ${i}` })));
    const error = await rejection(batchImport({ source_path: path }, { ...t.context({ allowedRoots: [root], signal: controller.signal }), embedder }));
    expect(error.code).toBe('CANCELLED');
    expect(embedder.calls).toBe(2);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it('refuses a source outside the allowed roots, also through a symlink, and names a missing file', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'cf-outside-'));
    try {
      writeFileSync(join(outside, 'x.jsonl'), JSON.stringify({ content: 'x' }));
      symlinkSync(join(outside, 'x.jsonl'), join(root, 'link.jsonl'));
      expect((await rejection(batchImport({ source_path: join(outside, 'x.jsonl') }, t.context({ allowedRoots: [root] })))).code).toBe('PATH_OUTSIDE_ROOTS');
      expect((await rejection(batchImport({ source_path: join(root, 'link.jsonl') }, t.context({ allowedRoots: [root] })))).code).toBe('PATH_OUTSIDE_ROOTS');
      const missing = await rejection(batchImport({ source_path: join(root, 'nope.jsonl') }, t.context({ allowedRoots: [root] })));
      expect(missing.code).toBe('FILE_NOT_FOUND');
      expect(missing.message).toContain('nope.jsonl');
      expect(await t.dataset.count()).toBe(3);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
