// Reads whole DuckDB vectors into JS with as few native calls as the layout allows. Strings and string lists
// are read by the dataset package's readers (@contextframe/dataset/duckdb-vectors), which the store uses too.
import bindings from '@duckdb/node-bindings';

/** The valid-row bitmap of a vector, or null when every row is valid. */
function validity(vector: bindings.Vector, rows: number): Uint8Array | null {
  const bits = bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8) as Uint8Array | null | undefined;
  return bits === null || bits === undefined || bits.byteLength === 0 ? null : bits;
}

function isValid(bits: Uint8Array | null, row: number): boolean {
  return bits === null || ((bits[row >> 3]! >> (row & 7)) & 1) === 1;
}

function aligned(bytes: Uint8Array, size: number): boolean {
  return bytes.byteOffset % size === 0;
}

/** The values of a DOUBLE vector (null where invalid). */
export function readDoubles(vector: bindings.Vector, rows: number): (number | null)[] {
  const data = bindings.vector_get_data(vector, rows * 8);
  const values = aligned(data, 8) ? new Float64Array(data.buffer, data.byteOffset, rows) : new Float64Array(data.slice().buffer);
  const bits = validity(vector, rows);
  const out = new Array<number | null>(rows);
  for (let i = 0; i < rows; i++) out[i] = isValid(bits, i) ? values[i]! : null;
  return out;
}

const DAY_MS = 86_400_000;
/** `YYYY-MM-DDTHH:MM:SS.mmmZ`: the length of toISOString text for the years 0000 to 9999. */
const ISO_LENGTH = 24;
const DIGIT_0 = 48;

/**
 * Epoch milliseconds (a DOUBLE vector) as `toISOString` text (null where invalid). A value beyond the range
 * of JS dates (after the year 275,760) stays a number: no ISO text would read back to it. toISOString alone
 * cost half a microsecond, and its results, joined, became strings that later checks must flatten; so the
 * text of a whole vector is written as ASCII bytes (the date part formatted once per day), decoded once and
 * sliced.
 */
export function readTimestamps(vector: bindings.Vector, rows: number): (string | number | null)[] {
  const ms = readDoubles(vector, rows);
  const out = new Array<string | number | null>(rows);
  const bytes = Buffer.allocUnsafe(rows * ISO_LENGTH);
  const sliced: number[] = [];
  let day = Number.NaN;
  let datePart = '';
  for (let i = 0; i < rows; i++) {
    const value = ms[i]!;
    if (value === null) {
      out[i] = null;
      continue;
    }
    const valueDay = Math.floor(value / DAY_MS);
    if (valueDay !== day) {
      const iso = safeIso(valueDay * DAY_MS);
      day = valueDay;
      datePart = iso.slice(0, iso.indexOf('T') + 1);
    }
    if (datePart.length !== 11 || !Number.isInteger(value)) {
      // Years outside 0000-9999 (a sign and six digits), or no JS date at all.
      const date = new Date(value);
      out[i] = Number.isNaN(date.getTime()) ? value : date.toISOString();
      continue;
    }
    const at = i * ISO_LENGTH;
    bytes.write(datePart, at, 'latin1');
    let rest = value - valueDay * DAY_MS;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    bytes[at + 11] = DIGIT_0 + Math.floor(hours / 10);
    bytes[at + 12] = DIGIT_0 + (hours % 10);
    bytes[at + 13] = 58; // :
    bytes[at + 14] = DIGIT_0 + Math.floor(minutes / 10);
    bytes[at + 15] = DIGIT_0 + (minutes % 10);
    bytes[at + 16] = 58;
    bytes[at + 17] = DIGIT_0 + Math.floor(seconds / 10);
    bytes[at + 18] = DIGIT_0 + (seconds % 10);
    bytes[at + 19] = 46; // .
    bytes[at + 20] = DIGIT_0 + Math.floor(millis / 100);
    bytes[at + 21] = DIGIT_0 + (Math.floor(millis / 10) % 10);
    bytes[at + 22] = DIGIT_0 + (millis % 10);
    bytes[at + 23] = 90; // Z
    sliced.push(i);
  }
  if (sliced.length > 0) {
    const text = bytes.toString('latin1', 0, rows * ISO_LENGTH);
    for (const i of sliced) out[i] = text.slice(i * ISO_LENGTH, (i + 1) * ISO_LENGTH);
  }
  return out;
}

/** toISOString of `ms`, or '' when no JS date has it. */
function safeIso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** The values of a BOOLEAN vector (null where invalid). */
export function readBooleans(vector: bindings.Vector, rows: number): (boolean | null)[] {
  const data = bindings.vector_get_data(vector, rows);
  const bits = validity(vector, rows);
  const out = new Array<boolean | null>(rows);
  for (let i = 0; i < rows; i++) out[i] = isValid(bits, i) ? data[i] !== 0 : null;
  return out;
}

/**
 * The rows of a FLOAT[] (LIST) or FLOAT[n] (ARRAY) vector as Float32Arrays, copied bit for bit from the
 * child vector: no per-element conversion, and -0, subnormals and NaN payloads survive.
 */
export function readFloatLists(vector: bindings.Vector, rows: number, arraySize: number | null): (Float32Array | null)[] {
  const bits = validity(vector, rows);
  const out = new Array<Float32Array | null>(rows);
  let child: bindings.Vector;
  let childSize: number;
  let entries: BigUint64Array | null = null;
  if (arraySize === null) {
    const raw = bindings.vector_get_data(vector, rows * 16);
    entries = aligned(raw, 8) ? new BigUint64Array(raw.buffer, raw.byteOffset, rows * 2) : new BigUint64Array(raw.slice().buffer);
    child = bindings.list_vector_get_child(vector);
    childSize = bindings.list_vector_get_size(vector);
  } else {
    child = bindings.array_vector_get_child(vector);
    childSize = rows * arraySize;
  }
  const childBytes = bindings.vector_get_data(child, childSize * 4);
  const floats = aligned(childBytes, 4)
    ? new Float32Array(childBytes.buffer, childBytes.byteOffset, childSize)
    : new Float32Array(childBytes.slice().buffer);
  for (let i = 0; i < rows; i++) {
    if (!isValid(bits, i)) {
      out[i] = null;
      continue;
    }
    const start = entries === null ? i * arraySize! : Number(entries[i * 2]!);
    const length = entries === null ? arraySize! : Number(entries[i * 2 + 1]!);
    out[i] = floats.slice(start, start + length);
  }
  return out;
}
