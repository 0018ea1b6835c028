// Why a record cannot become a Parquet row, said the same way by both Parquet writers.
import type { FrameRecord } from '@contextframe/dataset';
import { IoError } from '../io-error.js';

const INT32_MAX = 2_147_483_647;
const INT32_MIN = -2_147_483_648;

/** A value as an error message shows it: a number as itself, anything else by its type. */
export function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : value === null ? 'null' : typeof value;
}

/** INVALID_RECORD naming the record, the field and what is wrong with it. */
export function invalidParquetRecord(record: FrameRecord, field: string, problem: string): IoError {
  const uuid = typeof record?.uuid === 'string' ? record.uuid : '(without a uuid)';
  return new IoError('INVALID_RECORD', `Record ${uuid} cannot be written as Parquet: ${field} ${problem}. Fix the record and export again.`, {
    data: { uuid, field },
  });
}

/**
 * Throws INVALID_RECORD unless `chunk_index` is null or a whole number that fits the INTEGER column: DuckDB
 * would otherwise round 1.5 to 2 when it parses staged text, and fail with a bare conversion error past 32 bits.
 */
export function checkChunkIndex(record: FrameRecord): void {
  const index = record.chunk_index;
  if (index !== null && !(Number.isInteger(index) && index >= INT32_MIN && index <= INT32_MAX)) {
    throw invalidParquetRecord(record, 'chunk_index', `must be a whole number that fits a 32-bit INTEGER column or null, got ${describeValue(index)}`);
  }
}
