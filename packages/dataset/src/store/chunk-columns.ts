// Moves DuckDB data-chunk columns to and from JS values with as few native calls as possible. The node-api
// value path (one DuckDBValue per cell, one native call per string) cost more than DuckDB's own work on the
// rows; here numbers, short strings and validity masks cross in one memory copy per column, and long
// strings one per string on the way in, one per run of adjacent strings on the way out.
// Memory layouts are little-endian, the byte order of every platform DuckDB's Node bindings ship for.
import bindings from '@duckdb/node-bindings';
import type { DuckDBDataChunk } from '@duckdb/node-api';

type Vector = ReturnType<typeof bindings.data_chunk_get_vector>;

/** DuckDB keeps strings of up to 12 UTF-8 bytes inside the 16-byte `duckdb_string_t` itself. */
const INLINE_BYTES = 12;
const STRING_T_BYTES = 16;
const TWO_32 = 4_294_967_296;
const encoder = new TextEncoder();

// Scratch space reused by every call (its bytes are copied into the vector before the call returns), so the
// hot path allocates nothing per row.
let scratch: Uint8Array<ArrayBuffer> = new Uint8Array(2048 * STRING_T_BYTES);
let scratchView = new DataView(scratch.buffer);

function scratchFor(bytes: number): Uint8Array<ArrayBuffer> {
  if (scratch.byteLength < bytes) {
    scratch = new Uint8Array(bytes);
    scratchView = new DataView(scratch.buffer);
  }
  scratch.fill(0, 0, bytes);
  return scratch;
}

/** A validity mask (64-bit little-endian words, bit set = valid) with every row valid. */
function allValid(count: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Math.ceil(count / 64) * 8).fill(0xff);
}

/** Marks `row` invalid (SQL NULL) in a mask from `allValid`. */
function clearValid(mask: Uint8Array, row: number): void {
  mask[row >> 3]! &= ~(1 << (row & 7));
}

function setValidity(vector: Vector, validity: Uint8Array<ArrayBuffer> | null): void {
  if (validity === null) return;
  bindings.vector_ensure_validity_writable(vector);
  bindings.copy_data_to_vector_validity(vector, 0, validity.buffer, validity.byteOffset, validity.byteLength);
}

/**
 * Writes `count` strings (null for SQL NULL) into a VARCHAR vector. Strings of up to 12 UTF-8 bytes are
 * written as inline `duckdb_string_t` values and copied in with the rest in one call; longer ones take one
 * native call each, except that a long string equal to the previous row's shares that row's bytes (DuckDB's
 * string values may point at the same heap bytes; the appender copies them out), which makes a column that
 * repeats one id per run of rows cost one call per run.
 */
export function setVarcharVector(vector: Vector, count: number, valueAt: (row: number) => string | null): void {
  const bytes = count * STRING_T_BYTES;
  const structs = scratchFor(bytes);
  const view = scratchView;
  let validity: Uint8Array<ArrayBuffer> | null = null;
  const long: number[] = [];
  const repeats: number[] = [];
  let previous: string | null = null;
  let previousLong = false;
  for (let row = 0; row < count; row++) {
    const value = valueAt(row);
    if (value === null) {
      validity ??= allValid(count);
      clearValid(validity, row);
      previous = null;
      previousLong = false;
      continue;
    }
    const offset = row * STRING_T_BYTES;
    if (value.length <= INLINE_BYTES) {
      let ascii = true;
      for (let k = 0; k < value.length; k++) {
        const code = value.charCodeAt(k);
        if (code > 0x7f) {
          ascii = false;
          break;
        }
        structs[offset + 4 + k] = code;
      }
      if (ascii) {
        view.setUint32(offset, value.length, true);
        previous = null;
        previousLong = false;
        continue;
      }
      const inline = structs.subarray(offset + 4, offset + 4 + INLINE_BYTES);
      inline.fill(0);
      const { read, written } = encoder.encodeInto(value, inline);
      if (read === value.length) {
        view.setUint32(offset, written, true);
        previous = null;
        previousLong = false;
        continue;
      }
      inline.fill(0);
    }
    if (previousLong && value === previous) repeats.push(row);
    else long.push(row);
    previous = value;
    previousLong = true;
  }
  bindings.copy_data_to_vector(vector, 0, structs.buffer, 0, bytes);
  for (const row of long) bindings.vector_assign_string_element(vector, row, valueAt(row)!);
  if (repeats.length > 0) {
    // Read the written values back, point each repeat at its predecessor's bytes, and write them again.
    const written = bindings.vector_get_data(vector, bytes) as Uint8Array<ArrayBuffer>;
    for (const row of repeats) written.copyWithin(row * STRING_T_BYTES, (row - 1) * STRING_T_BYTES, row * STRING_T_BYTES);
    bindings.copy_data_to_vector(vector, 0, written.buffer, written.byteOffset, bytes);
  }
  setValidity(vector, validity);
}

/** Writes a VARCHAR column of a chunk; see `setVarcharVector`. */
export function setVarcharColumn(chunk: DuckDBDataChunk, column: number, count: number, valueAt: (row: number) => string | null): void {
  setVarcharVector(bindings.data_chunk_get_vector(chunk.chunk, column), count, valueAt);
}

/** Writes an INTEGER column (null for SQL NULL) in one copy. Values must be 32-bit integers. */
export function setIntegerColumn(chunk: DuckDBDataChunk, column: number, count: number, valueAt: (row: number) => number | null): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const data = new Int32Array(count);
  let validity: Uint8Array<ArrayBuffer> | null = null;
  for (let row = 0; row < count; row++) {
    const value = valueAt(row);
    if (value !== null) data[row] = value;
    else {
      validity ??= allValid(count);
      clearValid(validity, row);
    }
  }
  bindings.copy_data_to_vector(vector, 0, data.buffer, 0, data.byteLength);
  setValidity(vector, validity);
}

/** Writes a TIMESTAMP column from epoch milliseconds (never null) in one copy. */
export function setTimestampColumn(chunk: DuckDBDataChunk, column: number, count: number, msAt: (row: number) => number): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const data = new DataView(new ArrayBuffer(count * 8));
  for (let row = 0; row < count; row++) {
    const micros = msAt(row) * 1000;
    if (Number.isSafeInteger(micros)) {
      // Split into 32-bit halves with plain arithmetic: exact for safe integers, negative ones included.
      const high = Math.floor(micros / TWO_32);
      data.setUint32(row * 8, micros - high * TWO_32, true);
      data.setInt32(row * 8 + 4, high, true);
    } else {
      data.setBigInt64(row * 8, BigInt(msAt(row)) * 1000n, true);
    }
  }
  bindings.copy_data_to_vector(vector, 0, data.buffer, 0, count * 8);
}

/** Writes a VARCHAR[] column (lists are never null; their items are never null). */
export function setVarcharListColumn(chunk: DuckDBDataChunk, column: number, count: number, listAt: (row: number) => readonly string[]): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  // duckdb_list_entry is { uint64 offset; uint64 length }: written as 32-bit halves, the high ones zero.
  const entries = new Uint32Array(count * 4);
  let total = 0;
  for (let row = 0; row < count; row++) {
    const length = listAt(row).length;
    entries[row * 4] = total;
    entries[row * 4 + 2] = length;
    total += length;
  }
  bindings.list_vector_reserve(vector, total);
  bindings.list_vector_set_size(vector, total);
  if (total > 0) {
    const items = new Array<string>(total);
    let next = 0;
    for (let row = 0; row < count; row++) for (const item of listAt(row)) items[next++] = item;
    // The child is fetched after the reserve, which may have replaced it.
    setVarcharVector(bindings.list_vector_get_child(vector), total, (i) => items[i]!);
  }
  bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, entries.byteLength);
}

/**
 * Writes a FLOAT[] column (null for SQL NULL; lists of any length, empty ones included) with one copy of
 * contiguous float32 memory for all the items, so each float keeps its exact bits.
 */
export function setFloatListColumn(chunk: DuckDBDataChunk, column: number, count: number, listAt: (row: number) => ArrayLike<number> | null): void {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  // duckdb_list_entry is { uint64 offset; uint64 length }: written as 32-bit halves, the high ones zero.
  const entries = new Uint32Array(count * 4);
  let validity: Uint8Array<ArrayBuffer> | null = null;
  let total = 0;
  for (let row = 0; row < count; row++) {
    const list = listAt(row);
    entries[row * 4] = total;
    if (list === null) {
      validity ??= allValid(count);
      clearValid(validity, row);
      continue;
    }
    entries[row * 4 + 2] = list.length;
    total += list.length;
  }
  bindings.list_vector_reserve(vector, total);
  bindings.list_vector_set_size(vector, total);
  if (total > 0) {
    const items = new Float32Array(total);
    for (let row = 0; row < count; row++) {
      const list = listAt(row);
      if (list !== null) items.set(list, entries[row * 4]!);
    }
    // The child is fetched after the reserve, which may have replaced it.
    bindings.copy_data_to_vector(bindings.list_vector_get_child(vector), 0, items.buffer, 0, items.byteLength);
  }
  bindings.copy_data_to_vector(vector, 0, entries.buffer, 0, entries.byteLength);
  setValidity(vector, validity);
}

/** Two heap addresses this close lie in the same or adjacent pages, so every byte between them is mapped. */
const MAX_GAP = 256;
/** A run copied in one call stays below malloc's mmap threshold, whose fresh pages would cost more than the calls saved. */
const MAX_RUN = 64 << 10;

/** The valid-row bitmap of a vector, or null when every row is valid. */
function validityOf(vector: Vector, count: number): Uint8Array | null {
  const bits = bindings.vector_get_validity(vector, Math.ceil(count / 64) * 8) as Uint8Array | null | undefined;
  return bits === null || bits === undefined || bits.byteLength === 0 ? null : bits;
}

function isValid(bits: Uint8Array | null, row: number): boolean {
  return bits === null || ((bits[row >> 3]! >> (row & 7)) & 1) === 1;
}

/** 32-bit words over a copy of vector memory, copying again only if the copy is not 4-byte aligned. */
function wordsOf(data: Uint8Array, count: number): Uint32Array {
  return data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, count) : new Uint32Array(data.slice().buffer);
}

/**
 * The strings of a VARCHAR vector (null where invalid). Short strings are decoded from the values
 * themselves; long ones mostly sit side by side in the vector's string heap, so each run of them is copied
 * with one native call and decoded once (sliced, when all ASCII).
 */
export function readVarcharVector(vector: Vector, count: number): (string | null)[] {
  const data = bindings.vector_get_data(vector, count * STRING_T_BYTES);
  const words = wordsOf(data, count * 4);
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const bits = validityOf(vector, count);
  const out = new Array<string | null>(count);
  const run: number[] = [];
  let lastShort = -1; // the last row read from its inline bytes
  let runStart = 0; // heap address of the run's first byte
  let runEnd = 0; // just past its last string
  let runPointerAt = 0; // where in `data` the run's first pointer is
  const flush = (): void => {
    if (run.length === 0) return;
    const size = runEnd - runStart;
    const copied = bindings.get_data_from_pointer(data.buffer as ArrayBuffer, data.byteOffset + runPointerAt, size);
    const block = Buffer.from(copied.buffer, copied.byteOffset, size);
    const text = block.toString('utf8');
    // All ASCII: character offsets are byte offsets, and a slice is far cheaper than a decode.
    const ascii = text.length === size;
    for (const row of run) {
      const length = words[row * 4]!;
      const offset = words[row * 4 + 2]! + words[row * 4 + 3]! * TWO_32 - runStart;
      out[row] = ascii ? text.slice(offset, offset + length) : block.toString('utf8', offset, offset + length);
    }
    run.length = 0;
  };
  for (let row = 0; row < count; row++) {
    if (!isValid(bits, row)) {
      out[row] = null;
      continue;
    }
    const length = words[row * 4]!;
    if (length <= INLINE_BYTES) {
      // Short values repeat (a collection, a record type): reuse the string when all 16 bytes match.
      const w = row * 4;
      const l = lastShort * 4;
      if (lastShort >= 0 && words[l] === length && words[l + 1] === words[w + 1] && words[l + 2] === words[w + 2] && words[l + 3] === words[w + 3]) {
        out[row] = out[lastShort]!;
      } else {
        out[row] = bytes.toString('utf8', row * STRING_T_BYTES + 4, row * STRING_T_BYTES + 4 + length);
      }
      lastShort = row;
      continue;
    }
    const address = words[row * 4 + 2]! + words[row * 4 + 3]! * TWO_32;
    if (run.length === 0 || address < runEnd || address - runEnd > MAX_GAP || address + length - runStart > MAX_RUN) {
      flush();
      runStart = address;
      runPointerAt = row * STRING_T_BYTES + 8;
    }
    runEnd = address + length;
    run.push(row);
  }
  flush();
  return out;
}

/** Reads a VARCHAR column of a chunk; see `readVarcharVector`. */
export function readVarcharColumn(chunk: DuckDBDataChunk, column: number, count: number): (string | null)[] {
  return readVarcharVector(bindings.data_chunk_get_vector(chunk.chunk, column), count);
}

/** Reads an INTEGER column (null where invalid). */
export function readIntegerColumn(chunk: DuckDBDataChunk, column: number, count: number): (number | null)[] {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const data = bindings.vector_get_data(vector, count * 4);
  const values = data.byteOffset % 4 === 0 ? new Int32Array(data.buffer, data.byteOffset, count) : new Int32Array(data.slice().buffer);
  const bits = validityOf(vector, count);
  const out = new Array<number | null>(count);
  for (let row = 0; row < count; row++) out[row] = isValid(bits, row) ? values[row]! : null;
  return out;
}

/** Reads a BIGINT column whose values are safe integers (epoch milliseconds, say) as numbers; never null. */
export function readSafeBigIntColumn(chunk: DuckDBDataChunk, column: number, count: number): number[] {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const words = wordsOf(bindings.vector_get_data(vector, count * 8), count * 2);
  const out = new Array<number>(count);
  // The high word is signed: (high | 0) keeps negative values negative.
  for (let row = 0; row < count; row++) out[row] = words[row * 2]! + (words[row * 2 + 1]! | 0) * TWO_32;
  return out;
}

/**
 * The lists of a VARCHAR[] vector (null where a list is invalid; an invalid item reads as null, which the
 * store never writes).
 */
export function readVarcharListVector(vector: Vector, count: number): ((string | null)[] | null)[] {
  // duckdb_list_entry is { uint64 offset; uint64 length }: the high halves are zero for any real list.
  const entries = wordsOf(bindings.vector_get_data(vector, count * 16), count * 4);
  const bits = validityOf(vector, count);
  const items = readVarcharVector(bindings.list_vector_get_child(vector), bindings.list_vector_get_size(vector));
  const out = new Array<(string | null)[] | null>(count);
  for (let row = 0; row < count; row++) {
    const start = entries[row * 4]!;
    out[row] = isValid(bits, row) ? items.slice(start, start + entries[row * 4 + 2]!) : null;
  }
  return out;
}

/** Reads a VARCHAR[] column of the store's (whose list items are never null); see `readVarcharListVector`. */
export function readVarcharListColumn(chunk: DuckDBDataChunk, column: number, count: number): (string[] | null)[] {
  return readVarcharListVector(bindings.data_chunk_get_vector(chunk.chunk, column), count) as (string[] | null)[];
}

/** Reads a FLOAT[n] column as Float32Arrays copied bit for bit (null where invalid). */
export function readFloatArrayColumn(chunk: DuckDBDataChunk, column: number, count: number, dimensions: number): (Float32Array | null)[] {
  const vector = bindings.data_chunk_get_vector(chunk.chunk, column);
  const bits = validityOf(vector, count);
  const data = bindings.vector_get_data(bindings.array_vector_get_child(vector), count * dimensions * 4);
  const floats = data.byteOffset % 4 === 0 ? new Float32Array(data.buffer, data.byteOffset, count * dimensions) : new Float32Array(data.slice().buffer);
  const out = new Array<Float32Array | null>(count);
  for (let row = 0; row < count; row++) out[row] = isValid(bits, row) ? floats.slice(row * dimensions, (row + 1) * dimensions) : null;
  return out;
}
