// Shared test helpers: temp folders, tricky records, reading everything, expecting coded errors.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameRecord } from '@contextframe/dataset';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import { type Format, IoError, type ReadItem, type ReadOptions, openReader } from '../src/index.js';

/** Makes a temp folder and returns it with a disposer. */
export function tempDir(prefix = 'cf-io-test-'): { path: string; files(): string[]; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    files: () => readdirSync(path).sort(),
    remove: () => rmSync(path, { recursive: true, force: true }),
  };
}

export const ID = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A complete record with every field set. */
export function record(n: number, fields: Partial<FrameRecord> = {}): FrameRecord {
  return {
    uuid: ID(n),
    collection: `c${n % 3}`,
    title: `Title ${n}`,
    content: `Content of record ${n}.`,
    context: null,
    tags: ['a', `t${n}`],
    metadata: { n },
    record_type: 'document',
    parent_id: null,
    chunk_index: null,
    source_type: 'test',
    source_uri: `file:///doc/${n}.txt`,
    content_hash: null,
    embedding: null,
    created_at: '2024-05-01T10:00:00.000Z',
    updated_at: '2024-05-02T11:30:15.123Z',
    ...fields,
  };
}

/** Floats that test float32 exactness: -0, the smallest subnormal, the largest float, 1/3, pi. */
export const TRICKY_FLOATS = new Float32Array([0, -0, 1.401298464324817e-45, 3.4028234663852886e38, -3.4028234663852886e38, 1 / 3, Math.PI, -1e-7, 1.1754943508222875e-38]);

/** Records whose text holds what breaks naive writers: unicode, newlines, quotes, delimiters, empties. */
export function trickyRecords(): FrameRecord[] {
  return [
    record(1, {
      title: 'Emoji 🎉👩‍👩‍👧 CJK 漢字かな 한국어 RTL עברית العربية combining e\u0301 a\u0308',
      content: 'Line one\nLine two\r\nLine three\rend, "quoted", \'single\', tab\there; semi;colon | pipe',
      context: '',
      tags: ['x,y', 'with "quote"', '', 'ünïcödé', '漢字'],
      metadata: { nested: { deep: { list: [1, 2.5, 'three', null, true, { k: 'v' }] } }, empty: '', nul: null, 'key with space': '🙂', n: 0, neg: -1.5e-300 },
      record_type: 'chunk',
      parent_id: ID(100),
      chunk_index: 0,
      source_type: '',
      source_uri: 'https://example.com/a?b=1&c="2"',
      content_hash: 'a'.repeat(64),
      embedding: TRICKY_FLOATS,
      created_at: '1970-01-01T00:00:00.000Z',
      updated_at: '2099-12-31T23:59:59.999Z',
    }),
    record(2, {
      collection: null,
      title: null,
      content: '',
      context: null,
      tags: [],
      metadata: {},
      chunk_index: 7,
      source_type: null,
      source_uri: null,
      embedding: new Float32Array([0.1, 0.2, 0.3, -0.4, 1e-30, 123456.789]),
    }),
    record(3, { title: '', content: ' leading and trailing spaces ', context: '""', metadata: { quote: '"', backslash: '\\', ctrl: '\u0001\u001f' } }),
    record(4, { title: 'NULL', content: 'null', context: 'N/A', tags: ['null'], embedding: null }),
    record(5, { content: 'x'.repeat(3 << 20), title: 'Three megabytes of content, longer than a read chunk' }),
  ];
}

/** Every item of a reader. */
export async function readAll(format: Format, path: string, options: ReadOptions = {}): Promise<ReadItem[]> {
  const items: ReadItem[] = [];
  const reader = await openReader(format, path, options);
  for await (const item of reader) items.push(item);
  return items;
}

/** The IoError `promise` rejects with; fails unless its code is `code`. */
export async function expectIoError(promise: Promise<unknown>, code: string): Promise<IoError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IoError);
  expect((error as IoError).code).toBe(code);
  return error as IoError;
}

/** Runs one query in a fresh in-memory DuckDB (to read back what a writer wrote) and returns its rows as JSON. */
export async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJson() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
