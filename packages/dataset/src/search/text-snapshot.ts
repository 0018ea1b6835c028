// One committed state of the BM25 index in typed arrays: records with their lengths, and each term's postings.

/** What the text index holds for one record: its length in terms and how often each of its terms occurs. */
export interface TermCounts {
  readonly length: number;
  /** The record's distinct terms, as `tokenize` yields them. */
  readonly terms: readonly string[];
  /** `tfs[i]` is how often `terms[i]` occurs (at least 1). */
  readonly tfs: Int32Array;
}

// What one record, posting and term cost in memory, for the budget. A record: its length (4), its uuid string
// (about 56 bytes in V8) with its slot in the ids array (8), and the scratch a search keeps per row (score 8,
// stamp 4, touched list 4, filter mask 1, the patched ids slot 8). A posting: its row and its tf (4 each). A
// term: its offset (4), its slot in the terms array (8) and its string (about 32 for a short word; longer
// words are counted by their length). Lists that do not arrive sorted take a Map as well (about 32 bytes an
// entry). At 100,000 real summaries the estimate is within a few percent of what V8's heap grows by.
const RECORD_BYTES = 4 + 56 + 8 + 25;
const POSTING_BYTES = 8;
const TERM_BYTES = 4 + 8 + 32;
const MAP_ENTRY_BYTES = 32;

/**
 * Finds strings in a list: by binary search when the list is in ascending order (as the loader reads it, and
 * as ids and terms nearly always are: DuckDB sorts UTF-8 bytes, JS compares UTF-16 units, which differ only
 * for characters past U+FFFF), else by a Map built once.
 */
class StringIndex {
  readonly #list: readonly string[];
  readonly #map: ReadonlyMap<string, number> | null;

  constructor(list: readonly string[]) {
    this.#list = list;
    let sorted = true;
    for (let i = 1; i < list.length && sorted; i++) sorted = list[i - 1]! < list[i]!;
    this.#map = sorted ? null : new Map(list.map((value, i) => [value, i]));
  }

  /** Extra bytes the index takes beside the list. */
  get bytes(): number {
    return this.#map === null ? 0 : this.#list.length * MAP_ENTRY_BYTES;
  }

  /** The position of `value`, or -1. */
  find(value: string): number {
    if (this.#map !== null) return this.#map.get(value) ?? -1;
    const list = this.#list;
    let low = 0;
    let high = list.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const at = list[middle]!;
      if (at < value) low = middle + 1;
      else if (at > value) high = middle - 1;
      else return middle;
    }
    return -1;
  }
}

/**
 * The index in compressed sparse row form: record rows are in uuid order (row r holds `ids[r]`, of length
 * `lengths[r]`); term t's postings are `rows[offsets[t] .. offsets[t + 1])` with their frequencies in `tfs`.
 * `documents` and `lengthSum` are BM25's N and the exact sum of the lengths (avgdl = lengthSum / documents).
 */
export class TextSnapshot {
  readonly ids: readonly string[];
  readonly lengths: Int32Array;
  readonly lengthSum: number;
  readonly offsets: Int32Array;
  readonly rows: Int32Array;
  readonly tfs: Int32Array;
  /** Memory the snapshot takes, estimated as for the budget (see `TextSnapshot.bytes`). */
  readonly bytes: number;
  readonly #terms: StringIndex;
  readonly #positions: StringIndex;

  /**
   * Memory of a snapshot of `records` records, `postings` postings and `terms` terms whose characters add up to
   * `termChars` (0 when unknown yet: the estimate is then a lower bound), with what a search keeps beside it.
   */
  static bytes(records: number, postings: number, terms: number, termChars = 0): number {
    return records * RECORD_BYTES + postings * POSTING_BYTES + terms * TERM_BYTES + 4 + Math.max(0, termChars - 16 * terms);
  }

  /**
   * Use `loadTextSnapshot` or `TextSnapshot.fromCounts`. `terms[t]` names term t; the arrays are kept, not
   * copied. Ids and terms in ascending order are found by binary search, others through a Map.
   */
  constructor(ids: readonly string[], lengths: Int32Array, terms: readonly string[], offsets: Int32Array, rows: Int32Array, tfs: Int32Array) {
    this.ids = ids;
    this.lengths = lengths;
    this.offsets = offsets;
    this.rows = rows;
    this.tfs = tfs;
    let sum = 0;
    for (let row = 0; row < lengths.length; row++) sum += lengths[row]!;
    this.lengthSum = sum;
    let termChars = 0;
    for (const term of terms) termChars += term.length;
    this.#terms = new StringIndex(terms);
    this.#positions = new StringIndex(ids);
    this.bytes = TextSnapshot.bytes(ids.length, rows.length, terms.length, termChars) + this.#terms.bytes + this.#positions.bytes;
  }

  /** The snapshot of records given with their term counts (uuid -> counts), for an overlay of a few records. */
  static fromCounts(records: ReadonlyMap<string, TermCounts>): TextSnapshot {
    const ids = [...records.keys()].sort();
    const lengths = new Int32Array(ids.length);
    const termIds = new Map<string, number>();
    const counts: number[] = [];
    ids.forEach((id, row) => {
      const entry = records.get(id)!;
      lengths[row] = entry.length;
      for (const term of entry.terms) {
        let t = termIds.get(term);
        if (t === undefined) {
          t = counts.length;
          termIds.set(term, t);
          counts.push(0);
        }
        counts[t]!++;
      }
    });
    const offsets = new Int32Array(counts.length + 1);
    for (let t = 0; t < counts.length; t++) offsets[t + 1] = offsets[t]! + counts[t]!;
    const rows = new Int32Array(offsets[counts.length]!);
    const tfs = new Int32Array(rows.length);
    const next = offsets.slice(0, counts.length);
    ids.forEach((id, row) => {
      const entry = records.get(id)!;
      entry.terms.forEach((term, i) => {
        const at = next[termIds.get(term)!]!++;
        rows[at] = row;
        tfs[at] = entry.tfs[i]!;
      });
    });
    // Terms in first-seen order: the few of an overlay are found through a Map.
    return new TextSnapshot(ids, lengths, [...termIds.keys()], offsets, rows, tfs);
  }

  /** BM25's N: the records the snapshot holds, empty ones included. */
  get documents(): number {
    return this.ids.length;
  }

  /** Postings in the snapshot (one per record and distinct term). */
  get postings(): number {
    return this.rows.length;
  }

  /** The term's number, or -1 when no record of the snapshot contains it. */
  termId(term: string): number {
    return this.#terms.find(term);
  }

  /** The row of a record, or -1 when the snapshot does not hold it. */
  rowOf(id: string): number {
    return this.#positions.find(id);
  }
}
