// canonicalTimestampMs reads exactly toISOString's form, and hands everything else back as NaN for DuckDB.
import { describe, expect, it } from 'vitest';
import { canonicalTimestampMs } from '../../src/parquet/canonical-timestamp.js';

describe('canonicalTimestampMs', () => {
  it('agrees with Date for toISOString text across eras, leap days and the edges of a day', () => {
    const instants = [0, -1, 1, 951_782_400_000, 1_709_164_800_000, -62_167_219_200_000, 253_402_300_799_999, -2_203_891_200_001, 4_107_542_399_999];
    for (const ms of instants) expect(canonicalTimestampMs(new Date(ms).toISOString()), String(ms)).toBe(ms);
  });

  it('returns NaN for other spellings and impossible dates, which DuckDB then parses or refuses', () => {
    for (const text of [
      '2024-02-30T00:00:00.000Z',
      '1900-02-29T00:00:00.000Z',
      '2023-02-29T00:00:00.000Z',
      '2024-13-01T00:00:00.000Z',
      '2024-00-01T00:00:00.000Z',
      '2024-01-00T00:00:00.000Z',
      '2024-01-01T24:00:00.000Z',
      '2024-01-01T00:60:00.000Z',
      '2024-01-01T00:00:60.000Z',
      '2024-01-0xT00:00:00.000Z',
      '2024-01-01T00:00:00.00aZ',
      '2024-01-01 00:00:00.000Z',
      '2024-01-01T00:00:00Z',
      '+012024-01-01T00:00:00.000Z',
      '',
    ]) {
      expect(canonicalTimestampMs(text), text).toBeNaN();
    }
    expect(canonicalTimestampMs('2000-02-29T12:00:00.000Z')).toBe(Date.UTC(2000, 1, 29, 12));
  });
});
