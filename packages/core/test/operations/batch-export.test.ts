import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchAdd, batchExport, batchImport } from '../../src/index.js';
import { ID, openTestDataset, snapshot, type TestDataset, rejection } from '../fixtures.js';

let t: TestDataset;
let root: string;

beforeEach(async () => {
  t = await openTestDataset();
  root = mkdtempSync(join(tmpdir(), 'cf-export-'));
  await batchAdd(
    {
      documents: Array.from({ length: 12 }, (_, i) => ({
        content: `Doc ${i}: "quoted", commas, and\nnew lines ${'word '.repeat(20)}`,
        metadata: {
          uuid: ID(i),
          collection: i % 2 === 0 ? 'even' : 'odd',
          title: `Title ${i}`,
          tags: ['a', `t${i}`],
          n: i,
          nested: { deep: [i, 'x', null], flag: i % 3 === 0 },
        },
      })),
      shared_settings: { chunk_size: 80 },
    },
    t.context(),
  );
});

afterEach(async () => {
  await t.close();
  rmSync(root, { recursive: true, force: true });
});

describe('batch_export', () => {
  for (const format of ['json', 'jsonl', 'csv', 'parquet'] as const) {
    it(`round-trips every record exactly through ${format} into an empty dataset`, async () => {
      const before = await snapshot(t.dataset);
      const exported = await batchExport(
        { format, output_path: join(root, `out.${format}`), include_embeddings: true },
        t.context({ allowedRoots: [root] }),
      );
      expect(exported.success).toBe(true);
      expect(exported.documents_exported).toBe(before.records.length);
      const target = await openTestDataset();
      try {
        let imported = 0;
        for (const file of exported.files) {
          const result = await batchImport({ source_path: file.path, generate_embeddings: false }, target.context({ allowedRoots: [root] }));
          expect(result.errors).toEqual([]);
          imported += result.documents_imported;
        }
        expect(imported).toBe(before.records.length);
        const after = await snapshot(target.dataset);
        expect(after.records).toEqual(before.records);
      } finally {
        await target.close();
      }
    });
  }

  it('starts a new file every chunk_size documents', async () => {
    const total = await t.dataset.count();
    const result = await batchExport({ format: 'jsonl', output_path: join(root, 'part.jsonl'), chunk_size: 5 }, t.context({ allowedRoots: [root] }));
    expect(result.files.map((f) => f.documents)).toEqual([...Array(Math.floor(total / 5)).fill(5), ...(total % 5 === 0 ? [] : [total % 5])]);
    expect(result.files[0]!.path).toBe(join(root, 'part-00001.jsonl'));
    for (const file of result.files) {
      expect(readFileSync(file.path, 'utf8').trim().split('\n')).toHaveLength(file.documents);
    }
  });

  it('exports only what the filter or the ids select, without embeddings by default', async () => {
    const byFilter = await batchExport({ format: 'json', filter: "collection = 'even' AND record_type = 'document'", output_path: join(root, 'f.json') }, t.context({ allowedRoots: [root] }));
    expect(byFilter.documents_exported).toBe(6);
    const byIds = await batchExport({ format: 'jsonl', document_ids: [ID(1), ID(2)], output_path: join(root, 'i.jsonl') }, t.context({ allowedRoots: [root] }));
    expect(byIds.documents_exported).toBe(2);
    expect(readFileSync(byIds.files[0]!.path, 'utf8')).not.toContain('embedding');
  });

  it('refuses to overwrite an existing file unless asked, and writes nothing', async () => {
    const existing = join(root, 'taken-00001.jsonl');
    writeFileSync(existing, 'keep me');
    const error = await rejection(batchExport({ format: 'jsonl', output_path: join(root, 'taken.jsonl') }, t.context({ allowedRoots: [root] })));
    expect(error.code).toBe('FILE_EXISTS');
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    expect(readdirSync(root)).toEqual(['taken-00001.jsonl']);
    const replaced = await batchExport({ format: 'jsonl', output_path: join(root, 'taken.jsonl'), overwrite: true }, t.context({ allowedRoots: [root] }));
    expect(replaced.files[0]!.path).toBe(existing);
    expect(readFileSync(existing, 'utf8')).not.toBe('keep me');
  });

  it('refuses paths outside the allowed roots, symlinks included, and writes nothing', async () => {
    const inside = join(root, 'inside');
    const outside = mkdtempSync(join(tmpdir(), 'cf-outside-'));
    try {
      mkdirSync(inside);
      symlinkSync(outside, join(inside, 'escape'));
      const direct = await rejection(batchExport({ format: 'jsonl', output_path: join(outside, 'x.jsonl') }, t.context({ allowedRoots: [inside] })));
      expect(direct.code).toBe('PATH_OUTSIDE_ROOTS');
      const dotdot = await rejection(batchExport({ format: 'jsonl', output_path: join(inside, '..', 'x.jsonl') }, t.context({ allowedRoots: [inside] })));
      expect(dotdot.code).toBe('PATH_OUTSIDE_ROOTS');
      const viaLink = await rejection(batchExport({ format: 'jsonl', output_path: join(inside, 'escape', 'x.jsonl') }, t.context({ allowedRoots: [inside] })));
      expect(viaLink.code).toBe('PATH_OUTSIDE_ROOTS');
      expect(readdirSync(outside)).toEqual([]);
      expect(readdirSync(root).sort()).toEqual(['inside']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('removes every file it wrote when cancelled', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    const error = await rejection(batchExport({ format: 'csv', output_path: join(root, 'c.csv'), chunk_size: 2 }, t.context({ allowedRoots: [root], signal: controller.signal })));
    expect(error.code).toBe('CANCELLED');
    expect(readdirSync(root)).toEqual([]);
  });
});
