// Splits CSV text into records of fields, telling a quoted empty field ("" → empty string) from an
// unquoted one (→ null). RFC 4180: fields may be quoted, a quote inside is doubled, records end at \n or \r\n.
import { IoError } from '../io-error.js';

/** One record's field values (null for an unquoted empty field) and its byte offset in the scanned text. */
export interface CsvRecord {
  readonly values: (string | null)[];
  readonly offset: number;
}

/** What one `scan` found: complete records, and where the unfinished rest of the text starts. */
export interface CsvScan {
  readonly records: CsvRecord[];
  readonly consumed: number;
}

const LF = 0x0a;
const CR = 0x0d;

/** A resumable CSV tokenizer for one dialect. */
export class CsvScanner {
  readonly #delimiterCode: number;
  readonly #quoteCode: number;
  readonly #path: string;
  readonly #quote: string;
  // Field spans of the record being scanned: start, end, how it was written; reused for every record.
  readonly #spans: number[] = [];

  constructor(path: string, delimiter: string, quote: string) {
    this.#path = path;
    this.#quote = quote;
    this.#delimiterCode = delimiter.charCodeAt(0);
    this.#quoteCode = quote.charCodeAt(0);
  }

  /**
   * Scans up to `limit` complete records of `text` from `start`. Unless `final`, a record that reaches the
   * end of the text is left for the next call (it may go on in the next chunk). `base` is the file offset of
   * `text[start]` and `row` the number of records before it, for error messages. `consumed` is an index
   * into `text`.
   */
  scan(text: Buffer, start: number, final: boolean, base: number, row: number, limit: number): CsvScan {
    const length = text.length;
    const delimiter = this.#delimiterCode;
    const quote = this.#quoteCode;
    const records: CsvRecord[] = [];
    const spans = this.#spans;
    let nextDelimiter = -2; // -2: not searched yet; -1: none before the end
    let nextNewline = -2;
    let pos = start;
    let consumed = start;
    while (pos < length && records.length < limit) {
      const recordStart = pos;
      // An empty line is not a record.
      const first = text[pos]!;
      if (first === LF) {
        pos += 1;
        consumed = pos;
        continue;
      }
      if (first === CR && pos + 1 < length && text[pos + 1]! === LF) {
        pos += 2;
        consumed = pos;
        continue;
      }
      spans.length = 0;
      let complete = false;
      for (;;) {
        if (pos < length && text[pos]! === this.#quoteCode) {
          // Quoted field: runs to a quote that is not doubled.
          const from = pos + 1;
          let search = from;
          let doubled = false;
          let close: number;
          let incomplete = false;
          for (;;) {
            close = text.indexOf(quote, search);
            if (close < 0) {
              if (final) {
                throw new IoError(
                  'PARSE_ERROR',
                  `CSV file "${this.#path}" ends inside a quoted field of row ${row + records.length + 1} (it starts at byte ${base + pos - start}): ` +
                    'the file is truncated or a quote is not closed.',
                  { data: { path: this.#path, row: row + records.length + 1, offset: base + pos - start } },
                );
              }
              incomplete = true;
              break;
            }
            if (close + 1 < length && text[close + 1]! === this.#quoteCode) {
              doubled = true;
              search = close + 2;
              continue;
            }
            // A quote at the very end may be the first of a doubled pair split across chunks.
            if (close + 1 >= length && !final) incomplete = true;
            break;
          }
          if (incomplete) break;
          spans.push(from, close, doubled ? DOUBLED : QUOTED);
          pos = close + 1;
          if (pos >= length) {
            complete = true;
            break;
          }
          const code = text[pos]!;
          if (code === this.#delimiterCode) {
            pos += 1;
            continue;
          }
          if (code === LF) {
            pos += 1;
            complete = true;
            break;
          }
          if (code === CR && pos + 1 < length && text[pos + 1]! === LF) {
            pos += 2;
            complete = true;
            break;
          }
          if (code === CR && pos + 1 >= length && !final) break;
          throw new IoError(
            'PARSE_ERROR',
            `CSV file "${this.#path}" has ${describeChar(code)} after the closing quote of a field in row ${row + records.length + 1} ` +
              `(byte ${base + pos - start}); a quoted field must be followed by the delimiter or the end of the line. Double any quote inside a quoted field.`,
            { data: { path: this.#path, row: row + records.length + 1, offset: base + pos - start } },
          );
        }
        // Unquoted field: runs to the next delimiter or the end of the line.
        if (nextDelimiter !== -1 && nextDelimiter < pos) nextDelimiter = text.indexOf(delimiter, pos);
        if (nextNewline !== -1 && nextNewline < pos) nextNewline = text.indexOf(LF, pos);
        if (nextDelimiter >= 0 && (nextDelimiter < nextNewline || nextNewline < 0)) {
          spans.push(pos, nextDelimiter, UNQUOTED);
          pos = nextDelimiter + 1;
          continue;
        }
        if (nextNewline < 0) {
          if (!final) break;
          let end = length;
          if (end > pos && text[end - 1]! === CR) end -= 1;
          spans.push(pos, end, UNQUOTED);
          pos = length;
          complete = true;
          break;
        }
        let end = nextNewline;
        if (end > pos && text[end - 1]! === CR) end -= 1;
        spans.push(pos, end, UNQUOTED);
        pos = nextNewline + 1;
        complete = true;
        break;
      }
      if (!complete) {
        return { records, consumed: recordStart };
      }
      // A line holding only "\r" (or nothing) is not a record either.
      if (spans.length > 3 || spans[2] !== UNQUOTED || spans[0] !== spans[1]) {
        records.push({ values: this.#values(text, spans), offset: base + recordStart - start });
      }
      consumed = pos;
    }
    return { records, consumed };
  }

  // Decodes a record's fields. One UTF-8 decode for the whole record; when it is all ASCII (its length in
  // chars equals its length in bytes), each field is a slice of it, which is far cheaper than a decode.
  #values(text: Buffer, spans: readonly number[]): (string | null)[] {
    const count = spans.length / 3;
    const values = new Array<string | null>(count);
    const first = spans[0]!;
    const last = spans[spans.length - 2]!;
    const line = text.toString('utf8', first, last);
    const ascii = line.length === last - first;
    for (let f = 0; f < count; f++) {
      const start = spans[f * 3]!;
      const end = spans[f * 3 + 1]!;
      const kind = spans[f * 3 + 2]!;
      if (kind === UNQUOTED && start === end) {
        values[f] = null;
        continue;
      }
      let value = ascii ? line.slice(start - first, end - first) : text.toString('utf8', start, end);
      if (kind === DOUBLED) value = value.replaceAll(this.#quote + this.#quote, this.#quote);
      values[f] = value;
    }
    return values;
  }
}

// How a field was written: its span is the text between the quotes for quoted fields.
const UNQUOTED = 0;
const QUOTED = 1;
const DOUBLED = 2; // quoted, with doubled quotes inside to undo

function describeChar(code: number): string {
  return code >= 0x20 && code < 0x7f ? `"${String.fromCharCode(code)}"` : `byte 0x${code.toString(16).padStart(2, '0')}`;
}
