// batch_import: rows the reader accepts but the store would refuse are bad rows, reported by row number; the rest import.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchImport } from '../../src/index.js';
import { HookedEmbedder, ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;
let root: string;

beforeEach(async () => {
  t = await openTestDataset();
  root = mkdtempSync(join(tmpdir(), 'cf-import-rows-'));
  await batchAdd({ documents: [0, 1, 2].map((i) => ({ content: `stored ${i}`, metadata: { uuid: ID(i), v: 'old' } })) }, t.context());
});

afterEach(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

/** Writes a JSONL file; string rows are written as they are (JSON.stringify cannot write 1e999). */
function jsonl(name: string, rows: readonly unknown[]): string {
  const path = join(root, name);
  writeFileSync(path, `${rows.map((row) => (typeof row === 'string' ? row : JSON.stringify(row))).join('\n')}\n`);
  return path;
}

function nested(depth: number): unknown {
  let value: unknown = { end: true };
  for (let i = 0; i < depth; i++) value = { deeper: value };
  return value;
}

/** Rows 1-9 of a file: good ones at 1, 4 and 9, the others each refused by the store for one field. */
const MIXED: readonly unknown[] = [
  { uuid: ID(10), content: 'good ten' },
  { uuid: ID(11), content: 'bad parent', record_type: 'chunk', parent_id: 'not-a-uuid', chunk_index: 0 },
  { uuid: ID(12), content: 'negative index', record_type: 'chunk', parent_id: ID(0), chunk_index: -1 },
  { uuid: ID(13), content: 'good thirteen', metadata: { k: 1 } },
  `{"uuid": "${ID(14)}", "content": "infinite metadata", "metadata": {"score": 1e999}}`,
  { uuid: ID(15), content: 'index too large', record_type: 'chunk', parent_id: ID(0), chunk_index: 3_000_000_000 },
  `{"uuid": "${ID(16)}", "content": "infinite unmapped field", "ratio": -1e999}`,
  { uuid: ID(17), content: 'too deep', metadata: nested(70) },
  { content: 'good without id' },
];

describe('batch_import: rows the store refuses', () => {
  it('imports the good rows of a JSONL file and lists each refused row with its number and field, changing nothing else', async () => {
    const before = await snapshot(t.dataset);
    const embedder = new HookedEmbedder(() => {});
    const result = await batchImport({ source_path: jsonl('mixed.jsonl', MIXED) }, { ...t.context({ allowedRoots: [root] }), embedder });
    expect(result).toMatchObject({ success: false, documents_found: 9, documents_imported: 3, documents_failed: 6, embeddings_generated: 3, chunks_rebuilt: 0 });
    expect(result.errors.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 2, field: 'parent_id' },
      { row: 3, field: 'chunk_index' },
      { row: 5, field: 'metadata.score' },
      { row: 6, field: 'chunk_index' },
      { row: 7, field: 'metadata.ratio' },
      { row: 8, field: expect.stringMatching(/^metadata(\.deeper)+$/) },
    ]);
    expect(result.errors[0]!.error).toMatch(/^parent_id must be a UUID string .*"not-a-uuid"/);
    expect(result.errors[2]!.error).toMatch(/^metadata\.score must be a finite number/);
    expect(result.errors.every((error) => error.error.endsWith('fix the row or its mapping.'))).toBe(true);
    // Refused rows were never embedded: one embedder call, for the three good rows.
    expect(embedder.calls).toBe(1);

    const after = await snapshot(t.dataset);
    const added = after.records.filter((record) => !before.records.some((old) => old.uuid === record.uuid));
    expect(added.map((record) => record.content).sort()).toEqual(['good ten', 'good thirteen', 'good without id']);
    expect(await t.dataset.get([11, 12, 14, 15, 16, 17].map(ID))).toEqual([]);
    expect(after.records.filter((record) => before.records.some((old) => old.uuid === record.uuid))).toEqual(before.records);
  });

  it('does the same for a CSV file, rows numbered from the first record after the header', async () => {
    const path = join(root, 'mixed.csv');
    writeFileSync(
      path,
      [
        'uuid,content,record_type,parent_id,chunk_index,metadata',
        `${ID(20)},good twenty,,,,`,
        `${ID(21)},bad parent,chunk,nope,0,`,
        `${ID(22)},negative index,chunk,${ID(0)},-4,`,
        `${ID(23)},infinite metadata,,,,"{""score"": 1e999}"`,
        `${ID(24)},good twenty-four,,,,"{""k"": 2}"`,
      ].join('\n'),
    );
    const before = await snapshot(t.dataset);
    const result = await batchImport({ source_path: path }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ format: 'csv', documents_found: 5, documents_imported: 2, documents_failed: 3 });
    expect(result.errors.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 2, field: 'parent_id' },
      { row: 3, field: 'chunk_index' },
      { row: 4, field: 'metadata.score' },
    ]);
    expect((await t.dataset.get([ID(20), ID(21), ID(22), ID(23), ID(24)])).map((record) => [record.uuid, record.content, record.metadata])).toEqual([
      [ID(20), 'good twenty', {}],
      [ID(24), 'good twenty-four', { k: 2 }],
    ]);
    expect(await t.dataset.count()).toBe(before.records.length + 2);
    expect(await t.dataset.get([0, 1, 2].map(ID), { includeEmbedding: true })).toEqual(before.records);
  });

  it('keeps the good rows of every step of a large file when refused rows are spread over the steps', async () => {
    // 2,500 rows span three steps of 1,000; every 250th row has a parent_id that is not a UUID.
    const rows = Array.from({ length: 2500 }, (_, i) =>
      (i + 1) % 250 === 0 ? { uuid: ID(1000 + i), content: `row ${i + 1}`, parent_id: `bad-${i + 1}` } : { uuid: ID(1000 + i), content: `row ${i + 1}` },
    );
    const result = await batchImport({ source_path: jsonl('large.jsonl', rows), generate_embeddings: false }, t.context({ allowedRoots: [root] }));
    const refused = Array.from({ length: 10 }, (_, k) => 250 * (k + 1));
    expect(result).toMatchObject({ documents_found: 2500, documents_imported: 2490, documents_failed: 10 });
    expect(result.errors.map((error) => error.row)).toEqual(refused);
    expect(result.errors.every((error) => error.field === 'parent_id')).toBe(true);
    expect(await t.dataset.count()).toBe(3 + 2490);
    expect(await t.dataset.existing(refused.map((row) => ID(1000 + row - 1)))).toEqual(new Set());
    expect((await t.dataset.get([ID(1000 + 248), ID(1000 + 250)])).map((record) => record.content)).toEqual(['row 249', 'row 251']);
  });

  it('counts refused rows with unreadable ones against max_errors', async () => {
    const path = jsonl('two.jsonl', [{ content: 'fine' }, '{broken', { content: 'bad', parent_id: 'x' }]);
    const result = await batchImport({ source_path: path, validation: { max_errors: 2 } }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 1, documents_failed: 2 });
    expect(result.errors.map(({ row, field }) => ({ row, field }))).toEqual([
      { row: 2, field: null },
      { row: 3, field: 'parent_id' },
    ]);
  });

  it('imports nothing and fails with TOO_MANY_ERRORS when refused rows exceed max_errors, the dataset unchanged', async () => {
    const before = await snapshot(t.dataset);
    const embedder = new HookedEmbedder(() => {});
    const error = await rejection(
      batchImport({ source_path: jsonl('many-bad.jsonl', MIXED), validation: { max_errors: 3 } }, { ...t.context({ allowedRoots: [root] }), embedder }),
    );
    expect(error.code).toBe('TOO_MANY_ERRORS');
    expect(error.message).toContain('row 6');
    expect((error.data as { errors: { row: number }[] }).errors.map((e) => e.row)).toEqual([2, 3, 5, 6]);
    expect(embedder.calls).toBe(0);
    expect(await snapshot(t.dataset)).toEqual(before);
  });

  it("leaves the stored record alone when its replacing row is refused (on_conflict 'replace')", async () => {
    const [stored] = await t.dataset.get([ID(1)], { includeEmbedding: true });
    const path = jsonl('replace-bad.jsonl', [{ uuid: ID(1), content: 'replacement', chunk_index: -2 }, { uuid: ID(2), content: 'replaced fine' }]);
    const result = await batchImport({ source_path: path, on_conflict: 'replace' }, t.context({ allowedRoots: [root] }));
    expect(result).toMatchObject({ documents_imported: 1, documents_failed: 1, errors: [{ row: 1, field: 'chunk_index' }] });
    expect((await t.dataset.get([ID(1)], { includeEmbedding: true }))[0]).toEqual(stored);
    expect((await t.dataset.get([ID(2)]))[0]!.content).toBe('replaced fine');
  });
});
