// The contract every format keeps: what an export writes, an import reads back exactly.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FrameRecord, RECORD_FIELDS } from '@contextframe/dataset';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FORMATS, type ReadItem, writeRecords } from '../src/index.js';
import { ID, TRICKY_FLOATS, readAll, record, tempDir, trickyRecords } from './helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => dir.remove());

function records(items: readonly ReadItem[]): FrameRecord[] {
  return items.map((item) => {
    if (!item.ok) throw new Error(`row ${item.row}: ${item.error}`);
    return item.record as FrameRecord;
  });
}

function bits(vector: Float32Array | null | undefined): number[] | null {
  return vector === null || vector === undefined ? null : Array.from(new Uint32Array(vector.buffer, vector.byteOffset, vector.length));
}

for (const format of FORMATS) {
  describe(`${format} round trip`, () => {
    it('reproduces every field of every record, embeddings bit for bit', async () => {
      const written = trickyRecords();
      const path = join(dir.path, `out.${format}`);
      const result = await writeRecords(format, written, { outputPath: path, includeEmbeddings: true });
      expect(result.files).toEqual([{ path, documents: written.length, bytes: expect.any(Number) }]);
      expect(result.documents).toBe(written.length);

      const read = records(await readAll(format, path));
      expect(read).toHaveLength(written.length);
      read.forEach((got, i) => {
        const want = written[i]!;
        for (const field of RECORD_FIELDS) {
          if (field === 'embedding') expect(bits(got.embedding), `${field} of record ${i}`).toEqual(bits(want.embedding));
          else expect(got[field], `${field} of record ${i}`).toEqual(want[field]);
        }
        expect(Object.keys(got).sort()).toEqual([...RECORD_FIELDS].sort());
      });
      // -0 survives as -0, not 0.
      expect(Object.is(read[0]!.embedding![1], -0)).toBe(true);
      expect(bits(read[0]!.embedding)).toEqual(bits(TRICKY_FLOATS));
    });

    it('leaves embeddings out unless asked', async () => {
      const path = join(dir.path, `out.${format}`);
      await writeRecords(format, [record(1, { embedding: new Float32Array([1, 2]) })], { outputPath: path });
      const [item] = await readAll(format, path);
      expect(item!.ok && 'embedding' in item!.record).toBe(false);
      if (format !== 'parquet') expect(readFileSync(path, 'utf8')).not.toContain('embedding');
    });

    it('splits output into numbered files of chunkSize records that read back in order', async () => {
      const written = Array.from({ length: 7 }, (_, i) => record(i));
      const result = await writeRecords(format, written, { outputPath: join(dir.path, `export.${format}`), chunkSize: 3 });
      expect(result.files.map((file) => [file.path, file.documents])).toEqual([
        [join(dir.path, `export-00001.${format}`), 3],
        [join(dir.path, `export-00002.${format}`), 3],
        [join(dir.path, `export-00003.${format}`), 1],
      ]);
      expect(dir.files()).toEqual([`export-00001.${format}`, `export-00002.${format}`, `export-00003.${format}`]);
      const read: FrameRecord[] = [];
      for (const file of result.files) read.push(...records(await readAll(format, file.path)));
      expect(read.map((r) => r.uuid)).toEqual(written.map((r) => r.uuid));
    });

    it('writes an empty export as one file that reads back as no records', async () => {
      const path = join(dir.path, `empty.${format}`);
      const result = await writeRecords(format, [], { outputPath: path });
      expect(result.files).toEqual([{ path, documents: 0, bytes: expect.any(Number) }]);
      expect(await readAll(format, path)).toEqual([]);
    });

    it('accepts records one at a time and in arrays from an async source, in order', async () => {
      async function* source(): AsyncGenerator<FrameRecord | FrameRecord[]> {
        yield record(1);
        yield [record(2), record(3)];
        yield record(4);
      }
      const path = join(dir.path, `mixed.${format}`);
      await writeRecords(format, source(), { outputPath: path });
      expect(records(await readAll(format, path)).map((r) => r.uuid)).toEqual([ID(1), ID(2), ID(3), ID(4)]);
    });

    it('reads 5,000 records written in batches across many read chunks', async () => {
      const written = Array.from({ length: 5000 }, (_, i) => record(i, { content: `Document ${i}: ${'word '.repeat(i % 50)}` }));
      const path = join(dir.path, `many.${format}`);
      await writeRecords(format, [written.slice(0, 2500), written.slice(2500)], { outputPath: path });
      const read = records(await readAll(format, path));
      expect(read).toHaveLength(5000);
      // Without includeEmbeddings the field is absent, not null.
      const { embedding: _, ...last } = written[4999]!;
      expect(read[4999]).toEqual(last);
      expect(read[1234]!.content).toBe(written[1234]!.content);
    });
  });
}
