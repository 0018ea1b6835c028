// Reads JSON Lines: one JSON object per line, split on "\n" as the bytes arrive.
import type { FormatReader, SourceItem, SourceReader } from '../format-reader.js';
import { ReadProgress } from '../read/read-progress.js';
import { assertReadableFile, bomLength, readChunks } from '../text/file-chunks.js';
import { isJsonObject } from '../text/json-value.js';
import { describeJson } from './json-reader.js';

const NEWLINE = 0x0a;
const BLANK = /^[ \t\r\n]*$/;
/** Rows per batch: small enough that a batch dies young (cheap garbage), large enough to amortise the awaits. */
const BATCH_ROWS = 512;

/**
 * JSONL rows are numbered by line: a blank line is skipped but keeps its number, so row N is line N.
 * A line that is not JSON, or not an object, is a row error and the next line is read as usual.
 * An empty file has no rows.
 */
export const jsonlReader: FormatReader = {
  format: 'jsonl',
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
        let line = 0;
        let parts: Buffer[] = []; // the start of a line that began in an earlier chunk
        let first = true;
        const parseLine = (text: string, items: SourceItem[]): void => {
          line += 1;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (error) {
            if (BLANK.test(text)) return;
            items.push({ row: line, error: `line ${line} is not valid JSON: ${(error as Error).message}` });
            return;
          }
          items.push(isJsonObject(value) ? { row: line, fields: value } : { row: line, error: `line ${line} is ${describeJson(value)}, not an object of fields` });
        };
        for await (let chunk of readChunks(path, options.signal, progress)) {
          if (closed) return;
          if (first) {
            first = false;
            chunk = chunk.subarray(bomLength(chunk));
          }
          let items: SourceItem[] = [];
          let start = 0;
          let end = chunk.indexOf(NEWLINE);
          if (end >= 0 && parts.length > 0) {
            parts.push(chunk.subarray(0, end));
            parseLine(Buffer.concat(parts).toString('utf8'), items);
            parts = [];
            start = end + 1;
            end = chunk.indexOf(NEWLINE, start);
          }
          while (end >= 0) {
            parseLine(chunk.toString('utf8', start, end), items);
            start = end + 1;
            end = chunk.indexOf(NEWLINE, start);
            if (items.length >= BATCH_ROWS) {
              yield items;
              items = [];
            }
          }
          if (start < chunk.length) parts.push(chunk.subarray(start));
          if (items.length > 0) yield items;
        }
        if (parts.length > 0) {
          const items: SourceItem[] = [];
          parseLine(Buffer.concat(parts).toString('utf8'), items);
          if (items.length > 0) yield items;
        }
      },
    };
  },
};
