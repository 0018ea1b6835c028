// Reads CSV with a header row, record by record, with the null convention of `CsvScanner`.
import type { FormatReader, SourceItem, SourceReader } from '../format-reader.js';
import { IoError } from '../io-error.js';
import { ReadProgress } from '../read/read-progress.js';
import { assertReadableFile, bomLength, openChunkReader } from '../text/file-chunks.js';
import { csvDialect } from './csv-dialect.js';
import { type CsvRecord, CsvScanner } from './csv-scanner.js';

/** Rows per batch: small enough that a batch dies young (cheap garbage), large enough to amortise the awaits. */
const BATCH_ROWS = 512;

/**
 * CSV rows are numbered from the first record after the header (the header is not a row; empty lines are
 * skipped and not counted). Values are strings, or null for an unquoted empty field; a quoted empty field
 * ("") is the empty string. A record with more or fewer fields than the header is a row error.
 * An empty file has no header and no rows.
 */
export const csvReader: FormatReader = {
  format: 'csv',
  async open(path, options): Promise<SourceReader> {
    const { delimiter, quote } = csvDialect(options.csv);
    const progress = new ReadProgress(await assertReadableFile(path));
    const scanner = new CsvScanner(path, delimiter, quote);
    const chunks = await openChunkReader(path, options.signal, progress);
    let closed = false;

    // Records come out of `scan` a batch at a time; an unfinished record waits for more bytes.
    let text: Buffer = Buffer.alloc(0);
    let position = 0; // where unscanned bytes start in `text`
    let final = false; // `text` holds the end of the file
    let offset = 0; // file offset of text[position]
    let rows = -1; // records scanned so far, less the header: the header is row 0
    let first = true;
    const nextRecords = async (): Promise<CsvRecord[] | null> => {
      for (;;) {
        if (position < text.length) {
          const { records, consumed } = scanner.scan(text, position, final, offset, rows, BATCH_ROWS);
          rows += records.length;
          offset += consumed - position;
          position = consumed;
          if (records.length > 0) return records;
        }
        if (final) return null;
        // Read on, carrying the unfinished record over.
        const next = await chunks.next(text.subarray(position));
        if (next === null) {
          final = true;
          text = text.subarray(position);
        } else {
          text = next;
          if (first) {
            first = false;
            const bom = bomLength(text);
            text = text.subarray(bom);
            offset = bom;
          }
        }
        position = 0;
      }
    };

    let header: string[] | null = null;
    let buffered: CsvRecord[] = [];
    try {
      const firstRecords = await nextRecords();
      if (firstRecords !== null) {
        const [head, ...rest] = firstRecords;
        header = checkHeader(path, head!);
        buffered = rest;
      }
    } catch (error) {
      await chunks.close();
      throw error;
    }

    return {
      columns: header,
      progress: () => progress.fraction(),
      async close() {
        closed = true;
        await chunks.close();
      },
      async *[Symbol.asyncIterator]() {
        try {
          if (header === null) return;
          const columns = header;
          const width = columns.length;
          let row = 0;
          let records: CsvRecord[] | null = buffered;
          buffered = [];
          while (records !== null && !closed) {
            const items: SourceItem[] = new Array<SourceItem>(records.length);
            for (let r = 0; r < records.length; r++) {
              const { values } = records[r]!;
              row += 1;
              if (values.length !== width) {
                items[r] = {
                  row,
                  error: `row has ${values.length} field${values.length === 1 ? '' : 's'} but the header has ${width}; quote fields that hold the delimiter`,
                };
                continue;
              }
              const fields: Record<string, string | null> = {};
              for (let c = 0; c < width; c++) fields[columns[c]!] = values[c]!;
              items[r] = { row, fields };
            }
            if (items.length > 0) yield items;
            records = await nextRecords();
          }
        } finally {
          await chunks.close();
        }
      },
    };
  },
};

function checkHeader(path: string, record: CsvRecord): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  record.values.forEach((value, i) => {
    if (value === null || value === '') {
      throw new IoError('PARSE_ERROR', `CSV file "${path}" has no name for column ${i + 1} in its header row; name every column.`, {
        data: { path, column: i + 1 },
      });
    }
    if (seen.has(value)) {
      throw new IoError('PARSE_ERROR', `CSV file "${path}" names column "${value}" twice in its header row; column names must be unique.`, {
        data: { path, column: i + 1, name: value },
      });
    }
    seen.add(value);
    names.push(value);
  });
  return names;
}
