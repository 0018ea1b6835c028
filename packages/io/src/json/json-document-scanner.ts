// Finds the rows of a JSON file chunk by chunk: the elements of a top-level array, or of the `documents`
// array of a top-level object, each as its own text for JSON.parse. Memory stays at one chunk plus one row.
import { IoError } from '../io-error.js';

/** One row's JSON text, its 1-based number and the byte offset where it starts in the file. */
export interface JsonRowText {
  readonly row: number;
  readonly offset: number;
  readonly text: string;
}

enum State {
  Top,
  ObjectKey,
  ObjectFirstKey,
  KeyString,
  Colon,
  ObjectValue,
  ObjectNext,
  ArrayFirst,
  ArrayElement,
  ArrayNext,
  Element,
  End,
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;
}

/**
 * A push scanner: `push` each chunk in order, then `end`. Structure outside the rows is checked here
 * (brackets, commas, what follows the value); each row's own syntax is left to JSON.parse.
 */
export class JsonDocumentScanner {
  readonly #path: string;
  #state = State.Top;
  #inObject = false;
  #documentsSeen = false;
  #offset = 0; // file offset of the current chunk's first byte
  #row = 0; // rows started so far

  // The value being scanned (a row, or a member of the top-level object that is skipped).
  #isRow = false;
  #depth = 0;
  #inString = false;
  #escaped = false;
  #scalar = false;
  #valueStart = 0; // file offset
  #parts: Buffer[] = []; // earlier chunks' bytes of the current row
  #keyParts: Buffer[] = [];
  #key = '';

  constructor(path: string) {
    this.#path = path;
  }

  /** Scans `chunk` and returns the rows it completes. */
  push(chunk: Buffer): JsonRowText[] {
    const rows: JsonRowText[] = [];
    const text = chunk;
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      switch (this.#state) {
        case State.Element: {
          const end = this.#scanValue(text, i);
          if (end < 0) {
            i = length;
            break;
          }
          if (this.#isRow) rows.push(this.#finishRow(chunk, end));
          this.#state = this.#isRow ? State.ArrayNext : State.ObjectNext;
          i = end;
          break;
        }
        case State.KeyString: {
          const closed = this.#scanString(text, i);
          if (closed < 0) {
            this.#keyParts.push(chunk.subarray(i, length));
            i = length;
            break;
          }
          this.#keyParts.push(chunk.subarray(i, closed - 1));
          this.#key = this.#parseKey(Buffer.concat(this.#keyParts).toString('utf8'), i);
          this.#keyParts = [];
          this.#state = State.Colon;
          i = closed;
          break;
        }
        default: {
          const code = text[i]!;
          if (isWhitespace(code)) {
            i += 1;
            break;
          }
          i = this.#structural(code, i);
        }
      }
    }
    // A row that goes on in the next chunk keeps its bytes from this one (from its start, if it began here).
    if (this.#state === State.Element && this.#isRow) this.#parts.push(chunk.subarray(Math.max(0, this.#valueStart - this.#offset), length));
    this.#offset += length;
    return rows;
  }

  /** Checks that the file ended where a JSON value may end; throws PARSE_ERROR for a truncated file. */
  end(): void {
    const at = this.#offset;
    switch (this.#state) {
      case State.Top:
      case State.End:
        return;
      case State.Element:
        throw this.#truncated(
          this.#isRow ? `inside row ${this.#row} (it starts at byte ${this.#valueStart})` : `inside the value of "${this.#key}"`,
          at,
        );
      default:
        throw this.#truncated(this.#row > 0 ? `after row ${this.#row}` : 'before the first row', at);
    }
  }

  #finishRow(chunk: Buffer, end: number): JsonRowText {
    const start = this.#valueStart - this.#offset;
    let text: string;
    if (this.#parts.length === 0) {
      text = chunk.toString('utf8', start, end);
    } else {
      this.#parts.push(chunk.subarray(0, end));
      text = Buffer.concat(this.#parts).toString('utf8');
      this.#parts = [];
    }
    return { row: this.#row, offset: this.#valueStart, text };
  }

  // Handles one non-whitespace byte outside any value; returns the next index.
  #structural(code: number, i: number): number {
    switch (this.#state) {
      case State.Top:
        if (code === OPEN_BRACKET) {
          this.#state = State.ArrayFirst;
          return i + 1;
        }
        if (code === OPEN_BRACE) {
          this.#inObject = true;
          this.#state = State.ObjectFirstKey;
          return i + 1;
        }
        throw this.#error(
          `does not start with "[" or "{" (found ${describeByte(code)} at byte ${this.#offset + i}); a JSON import file must be an array of ` +
            'documents or an object with a "documents" array.',
          this.#offset + i,
        );
      case State.ObjectFirstKey:
      case State.ObjectKey:
        if (code === QUOTE) {
          this.#state = State.KeyString;
          this.#escaped = false;
          return i + 1;
        }
        if (code === CLOSE_BRACE && this.#state === State.ObjectFirstKey) return this.#closeObject(i);
        throw this.#unexpected(code, i, 'a member name in quotes');
      case State.Colon:
        if (code !== COLON) throw this.#unexpected(code, i, '":" after a member name');
        this.#state = State.ObjectValue;
        return i + 1;
      case State.ObjectValue:
        if (this.#key === 'documents') {
          if (this.#documentsSeen) throw this.#error(`has more than one "documents" member (the second at byte ${this.#offset + i}); keep one.`, this.#offset + i);
          if (code !== OPEN_BRACKET) {
            throw this.#error(`has a "documents" member that is not an array (byte ${this.#offset + i}); it must hold the documents in [ ].`, this.#offset + i);
          }
          this.#documentsSeen = true;
          this.#state = State.ArrayFirst;
          return i + 1;
        }
        return this.#beginValue(code, i, false);
      case State.ObjectNext:
        if (code === COMMA) {
          this.#state = State.ObjectKey;
          return i + 1;
        }
        if (code === CLOSE_BRACE) return this.#closeObject(i);
        throw this.#unexpected(code, i, '"," or "}" in the top-level object');
      case State.ArrayFirst:
        if (code === CLOSE_BRACKET) return this.#closeArray(i);
        return this.#beginValue(code, i, true);
      case State.ArrayElement:
        if (code === CLOSE_BRACKET) throw this.#unexpected(code, i, `a document after the "," that follows row ${this.#row}`);
        return this.#beginValue(code, i, true);
      case State.ArrayNext:
        if (code === COMMA) {
          this.#state = State.ArrayElement;
          return i + 1;
        }
        if (code === CLOSE_BRACKET) return this.#closeArray(i);
        throw this.#unexpected(code, i, `"," or "]" after row ${this.#row}`);
      case State.End:
        throw this.#error(`has more after its JSON value ended (${describeByte(code)} at byte ${this.#offset + i}); a file holds one JSON value.`, this.#offset + i);
      /* c8 ignore next 2 */
      default:
        throw new Error(`unreachable scanner state ${this.#state}`);
    }
  }

  #closeArray(i: number): number {
    this.#state = this.#inObject ? State.ObjectNext : State.End;
    return i + 1;
  }

  #closeObject(i: number): number {
    if (!this.#documentsSeen) {
      throw this.#error('is an object without a "documents" array; give an array of documents or { "documents": [ ... ] }.', this.#offset + i);
    }
    this.#state = State.End;
    return i + 1;
  }

  #beginValue(code: number, i: number, isRow: boolean): number {
    this.#isRow = isRow;
    if (isRow) this.#row += 1;
    this.#valueStart = this.#offset + i;
    this.#state = State.Element;
    this.#escaped = false;
    if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      this.#depth = 1;
      this.#inString = false;
      this.#scalar = false;
      return i + 1;
    }
    this.#depth = 0;
    if (code === QUOTE) {
      this.#inString = true;
      this.#scalar = false;
      return i + 1;
    }
    this.#inString = false;
    this.#scalar = true;
    return i;
  }

  // Scans the current value from i; returns the index just past its end, or -1 when it goes on past the chunk.
  #scanValue(text: Buffer, i: number): number {
    const length = text.length;
    if (this.#scalar) {
      for (let k = i; k < length; k++) {
        const code = text[k]!;
        if (code === COMMA || code === CLOSE_BRACKET || code === CLOSE_BRACE || isWhitespace(code)) return k;
      }
      return -1;
    }
    let j = i;
    for (;;) {
      if (this.#inString) {
        j = this.#scanString(text, j);
        if (j < 0) return -1;
        if (this.#depth === 0) return j;
        continue;
      }
      // Between strings there are only a few bytes (":", ",", brackets, numbers, literals): count brackets
      // by hand up to the next quote. Faster than a regex over the structural characters.
      const quote = text.indexOf(QUOTE, j);
      const end = quote < 0 ? length : quote;
      for (let k = j; k < end; k++) {
        const code = text[k]!;
        if (code === OPEN_BRACE || code === OPEN_BRACKET) this.#depth += 1;
        else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && --this.#depth === 0) return k + 1;
      }
      if (quote < 0) return -1;
      this.#inString = true;
      j = quote + 1;
    }
  }

  // Scans a string's body from i; returns the index just past its closing quote, or -1 when it goes on
  // past the chunk (with #escaped set when the chunk ends on a backslash).
  #scanString(text: Buffer, i: number): number {
    const length = text.length;
    let j = i;
    if (this.#escaped) {
      this.#escaped = false;
      j += 1;
    }
    for (;;) {
      const quote = j < length ? text.indexOf(QUOTE, j) : -1;
      if (quote < 0) {
        let run = 0;
        for (let k = length - 1; k >= j && text[k]! === BACKSLASH; k--) run += 1;
        this.#escaped = run % 2 === 1;
        return -1;
      }
      // The quote ends the string unless an odd run of backslashes escapes it.
      let k = quote - 1;
      while (k >= j && text[k]! === BACKSLASH) k -= 1;
      if ((quote - 1 - k) % 2 === 0) {
        this.#inString = false;
        return quote + 1;
      }
      j = quote + 1;
    }
  }

  #parseKey(body: string, i: number): string {
    try {
      return JSON.parse(`"${body}"`) as string;
    } catch {
      throw this.#error(`has a member name that is not a valid JSON string (before byte ${this.#offset + i}).`, this.#offset + i);
    }
  }

  #unexpected(code: number, i: number, expected: string): IoError {
    return this.#error(`has ${describeByte(code)} at byte ${this.#offset + i} where ${expected} should be.`, this.#offset + i);
  }

  #truncated(where: string, at: number): IoError {
    return new IoError(
      'PARSE_ERROR',
      `JSON file "${this.#path}" ends ${where}, at byte ${at}: it is truncated or not valid JSON. Export it again or repair its end.`,
      { data: { path: this.#path, row: this.#row > 0 ? this.#row : null, offset: at } },
    );
  }

  #error(what: string, offset: number): IoError {
    return new IoError('PARSE_ERROR', `JSON file "${this.#path}" ${what}`, {
      data: { path: this.#path, row: this.#row > 0 ? this.#row : null, offset },
    });
  }
}

function describeByte(code: number): string {
  return code >= 0x20 && code < 0x7f ? `"${String.fromCharCode(code)}"` : `byte 0x${code.toString(16).padStart(2, '0')}`;
}
