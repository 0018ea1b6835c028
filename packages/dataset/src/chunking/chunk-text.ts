// Splits a text into overlapping pieces small enough to embed, cutting at the most natural boundary that fits.
import { DatasetError } from '../errors.js';

/** Options for {@link chunkText}. Sizes count Unicode code points ("characters"), not UTF-16 units. */
export interface ChunkOptions {
  /** Largest chunk, in characters; a positive integer. */
  readonly chunkSize: number;
  /** Characters of the previous chunk's end repeated at the start of the next; from 0 to chunkSize - 1. Default 0. */
  readonly chunkOverlap?: number;
}

/** One piece of a text: `text === original.slice(start, end)` (UTF-16 offsets, as `String.prototype.slice` takes). */
export interface TextChunk {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

// The break before a unit: the higher, the better a place to end a chunk.
const PARAGRAPH = 3;
const SENTENCE = 2;
const WORD = 1;
const INSIDE_WORD = 0;

/** A piece of the text that is never cut unless it alone exceeds chunkSize: a paragraph, sentence, word or word part. */
interface Unit {
  readonly start: number;
  readonly end: number;
  /** Strength of the break between the previous unit and this one. */
  readonly strength: number;
}

const PARAGRAPH_BREAK = /\n[^\S\n]*\n/g;
// A sentence ends after . ! ? … (and closing quotes or brackets) before whitespace, after CJK full stops, or at a line end.
const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)|[。！？]+["'”’」』)\]]*|\n/gu;
const SPACES = /\s+/g;
const WHITESPACE = /\s/;
const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Splits `text` into chunks of at most `chunkSize` characters (code points). Cuts fall at paragraph breaks
 * (blank lines) where they can, else at sentence ends (. ! ? … before a space, 。！？, line ends), else between
 * words. Only a word longer than `chunkSize` is cut inside, into pieces of `chunkSize - chunkOverlap` so the
 * overlap still fits, and never between the halves of a surrogate pair. Near a chunk's end, a stronger
 * boundary at least half-way in wins over a weaker one further on.
 *
 * Each chunk after the first starts with up to `chunkOverlap` characters from the end of the previous one,
 * beginning at a word start (at any character only when those characters hold no word start, as inside a
 * long word or text without spaces); the overlap shrinks, or is left out, when the next piece would not fit.
 *
 * Chunks never begin or end with whitespace and whitespace between chunks is dropped: a text of only
 * whitespace has no chunks, and a text that fits has one chunk, the trimmed text. Exact property: every
 * chunk is `text.slice(start, end)`; the chunks' ranges advance and cover every non-whitespace character; two
 * neighbours overlap by at most `chunkOverlap` characters or have only whitespace between them. The result
 * depends on nothing but the arguments.
 *
 * @throws DatasetError `INVALID_ARGUMENT` unless chunkSize is a positive integer and chunkOverlap an integer
 * from 0 to chunkSize - 1.
 */
export function chunkText(text: string, options: ChunkOptions): TextChunk[] {
  const { chunkSize, chunkOverlap = 0 } = options;
  if (typeof text !== 'string') {
    throw new DatasetError('INVALID_ARGUMENT', `chunkText needs a string; got ${typeof text}.`);
  }
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1) {
    throw new DatasetError('INVALID_ARGUMENT', `chunkSize must be a positive integer; got ${String(chunkSize)}.`, {
      data: { chunkSize },
    });
  }
  if (!Number.isSafeInteger(chunkOverlap) || chunkOverlap < 0 || chunkOverlap >= chunkSize) {
    throw new DatasetError(
      'INVALID_ARGUMENT',
      `chunkOverlap must be an integer from 0 to chunkSize - 1 (${chunkSize - 1}); got ${String(chunkOverlap)}.`,
      { data: { chunkSize, chunkOverlap } },
    );
  }
  return new Chunker(text, chunkSize, chunkOverlap).chunks();
}

class Chunker {
  readonly #text: string;
  readonly #size: number;
  readonly #overlap: number;
  // Code points before each UTF-16 offset; absent when the text has no surrogates (then offsets are code points).
  readonly #codePoints: Uint32Array | undefined;

  constructor(text: string, size: number, overlap: number) {
    this.#text = text;
    this.#size = size;
    this.#overlap = overlap;
    this.#codePoints = SURROGATE.test(text) ? countCodePoints(text) : undefined;
  }

  chunks(): TextChunk[] {
    const [start, end] = this.#trim(0, this.#text.length);
    if (start === end) return [];
    if (this.#length(start, end) <= this.#size) return [this.#chunk(start, end)];
    const units = this.#units(start, end);
    const chunks: TextChunk[] = [];
    const minLength = Math.ceil(this.#size / 2);
    let from: number | undefined;
    let i = 0;
    while (i < units.length) {
      const chunkStart = from ?? units[i]!.start;
      let last = i;
      while (last + 1 < units.length && this.#length(chunkStart, units[last + 1]!.end) <= this.#size) last++;
      if (last + 1 < units.length) {
        // Step back to a stronger break if one leaves the chunk at least half full.
        let best = last;
        for (let k = last - 1; k >= i && this.#length(chunkStart, units[k]!.end) >= minLength; k--) {
          if (units[k + 1]!.strength > units[best + 1]!.strength) best = k;
        }
        last = best;
      }
      const chunkEnd = units[last]!.end;
      chunks.push(this.#chunk(chunkStart, chunkEnd));
      i = last + 1;
      from = i < units.length && this.#overlap > 0 ? this.#overlapStart(chunkStart, chunkEnd, units[i]!.end) : undefined;
    }
    return chunks;
  }

  // Splits [start, end) into units no longer than the chunk size, finest level only where needed.
  #units(start: number, end: number): Unit[] {
    const units: Unit[] = [];
    const levels = [
      { pattern: PARAGRAPH_BREAK, strength: PARAGRAPH },
      { pattern: SENTENCE_END, strength: SENTENCE },
      { pattern: SPACES, strength: WORD },
    ];
    const split = (from: number, to: number, level: number, strength: number): void => {
      if (this.#length(from, to) <= this.#size) {
        units.push({ start: from, end: to, strength });
        return;
      }
      const next = levels[level];
      if (next === undefined) {
        this.#hardSplit(from, to, strength, units);
        return;
      }
      this.#segments(from, to, next.pattern).forEach(([a, b], k) => { split(a, b, level + 1, k === 0 ? strength : next.strength); });
    };
    split(start, end, 0, PARAGRAPH);
    return units;
  }

  // Cuts [from, to) after every match of `pattern` and trims each piece; empty pieces are dropped.
  #segments(from: number, to: number, pattern: RegExp): [number, number][] {
    const pieces: [number, number][] = [];
    let pieceStart = from;
    for (const match of this.#text.slice(from, to).matchAll(pattern)) {
      const cut = from + match.index + match[0].length;
      pieces.push(this.#trim(pieceStart, cut));
      pieceStart = cut;
    }
    pieces.push(this.#trim(pieceStart, to));
    return pieces.filter(([a, b]) => a < b);
  }

  // Cuts one over-long word into pieces of chunkSize - chunkOverlap code points, so the overlap still fits.
  #hardSplit(from: number, to: number, strength: number, units: Unit[]): void {
    const pieceSize = this.#size - this.#overlap;
    let pieceStart = from;
    let count = 0;
    for (let i = from; i < to; i += this.#unitsAt(i)) {
      if (count === pieceSize) {
        units.push({ start: pieceStart, end: i, strength: pieceStart === from ? strength : INSIDE_WORD });
        pieceStart = i;
        count = 0;
      }
      count++;
    }
    // The word is longer than a piece, so the last piece never is the first.
    units.push({ start: pieceStart, end: to, strength: INSIDE_WORD });
  }

  // Where the next chunk starts so it repeats the end of the previous one: the earliest word start within
  // chunkOverlap characters of `previousEnd` that still lets the next unit (ending at `nextEnd`) fit. Only when
  // that window holds no word start at all (one long word, or text without spaces) may it start at any
  // character. Undefined when nothing fits.
  #overlapStart(previousStart: number, previousEnd: number, nextEnd: number): number | undefined {
    const text = this.#text;
    let windowHasWordStart = false;
    let wordStart: number | undefined;
    let charStart: number | undefined;
    for (let p = previousEnd - 1; p >= previousStart && this.#length(p, previousEnd) <= this.#overlap; p--) {
      if (isLowSurrogateAfterHigh(text, p) || WHITESPACE.test(text[p]!)) continue;
      const isWordStart = p === 0 || WHITESPACE.test(text[p - 1]!);
      windowHasWordStart ||= isWordStart;
      // The previous chunk's own start counts as a word start in the window but cannot be chosen: chunks advance.
      if (p === previousStart || this.#length(p, nextEnd) > this.#size) continue;
      if (isWordStart) wordStart = p;
      else charStart = p;
    }
    return windowHasWordStart ? wordStart : charStart;
  }

  #trim(start: number, end: number): [number, number] {
    while (start < end && WHITESPACE.test(this.#text[start]!)) start++;
    while (end > start && WHITESPACE.test(this.#text[end - 1]!)) end--;
    return [start, end];
  }

  #length(start: number, end: number): number {
    return this.#codePoints === undefined ? end - start : this.#codePoints[end]! - this.#codePoints[start]!;
  }

  // UTF-16 units taken by the code point at `i`.
  #unitsAt(i: number): number {
    return this.#text.codePointAt(i)! > 0xffff ? 2 : 1;
  }

  #chunk(start: number, end: number): TextChunk {
    return { text: this.#text.slice(start, end), start, end };
  }
}

function isLowSurrogateAfterHigh(text: string, i: number): boolean {
  const unit = text.charCodeAt(i);
  const before = text.charCodeAt(i - 1);
  return unit >= 0xdc00 && unit <= 0xdfff && before >= 0xd800 && before <= 0xdbff;
}

function countCodePoints(text: string): Uint32Array {
  const counts = new Uint32Array(text.length + 1);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    counts[i] = count;
    if (!isLowSurrogateAfterHigh(text, i)) count++;
  }
  counts[text.length] = count;
  return counts;
}
