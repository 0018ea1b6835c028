// How far a reader has got through its file, so a long import can report progress before it knows the row count.

/** Units done out of a known total (bytes of a text file, rows of a Parquet file). */
export class ReadProgress {
  done = 0;

  constructor(readonly total: number) {}

  /** The part read so far, from 0 to 1 (1 for an empty file). */
  fraction(): number {
    return this.total <= 0 ? 1 : Math.min(1, this.done / this.total);
  }
}
