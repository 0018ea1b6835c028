// Reads a JSON file of documents (a top-level array, or `{ "documents": [...] }`) one row at a time.
import type { FormatReader, SourceItem, SourceReader } from '../format-reader.js';
import { IoError } from '../io-error.js';
import { ReadProgress } from '../read/read-progress.js';
import { assertReadableFile, bomLength, readChunks } from '../text/file-chunks.js';
import { isJsonObject } from '../text/json-value.js';
import { JsonDocumentScanner } from './json-document-scanner.js';

/** Rows per batch: small enough that a batch dies young (cheap garbage), large enough to amortise the awaits. */
const BATCH_ROWS = 512;

/**
 * JSON rows are the array's elements, numbered from 1. A row that is not an object is a row error; a row
 * that is not valid JSON, and a file that is truncated, throw PARSE_ERROR with the row and byte offset.
 * An empty file (or one of only whitespace) has no rows.
 */
export const jsonReader: FormatReader = {
  format: 'json',
  async open(path, options): Promise<SourceReader> {
    const progress = new ReadProgress(await assertReadableFile(path));
    let closed = false;
    return {
      columns: null,
      progress: () => progress.fraction(),
      async close() {
        closed = true;
      },
      async *[Symbol.asyncIterator]() {
        const scanner = new JsonDocumentScanner(path);
        let first = true;
        for await (let chunk of readChunks(path, options.signal, progress)) {
          if (closed) return;
          if (first) {
            first = false;
            const bom = bomLength(chunk);
            if (bom > 0) chunk = chunk.subarray(bom);
          }
          let items: SourceItem[] = [];
          for (const { row, offset, text } of scanner.push(chunk)) {
            if (items.length >= BATCH_ROWS) {
              yield items;
              items = [];
            }
            let value: unknown;
            try {
              value = JSON.parse(text);
            } catch (error) {
              throw new IoError(
                'PARSE_ERROR',
                `JSON file "${path}" has invalid JSON in row ${row} (it starts at byte ${offset}): ${(error as Error).message}. Repair that row.`,
                { data: { path, row, offset }, cause: error },
              );
            }
            items.push(isJsonObject(value) ? { row, fields: value } : { row, error: `row is ${describeJson(value)}, not an object of fields` });
          }
          if (items.length > 0) yield items;
        }
        scanner.end();
      },
    };
  },
};

/** A few words for what a JSON value is, for row errors. */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
