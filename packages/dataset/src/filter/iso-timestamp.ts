// Reads the ISO 8601 timestamps a filter compares with created_at/updated_at, as UTC, without Date's local-time guesses.

// Date, optionally time (seconds and fraction optional), optionally an offset; 'T' or a space between.
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?)?$/;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Turns `2024-05-01`, `2024-05-01T12:00`, `2024-05-01 12:00:00.123456+02:00` and the like into the UTC
 * `YYYY-MM-DD HH:MM:SS.ffffff` that DuckDB casts to TIMESTAMP, or null when the text is not such a timestamp.
 * No offset means UTC (stored timestamps are UTC). Digits past microseconds are dropped, as DuckDB would.
 */
export function parseIsoTimestamp(text: string): string | null {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', , sign, oh = '0', om = '0'] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const daysInMonth = new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  if (hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return null;
  // setUTCFullYear, unlike Date.UTC, does not map years below 100 to the 1900s.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute - offsetMinutes, second, 0);
  const utcYear = date.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return null;
  const datePart = `${pad(utcYear, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
  const timePart = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
  return `${datePart} ${timePart}.${fraction.padEnd(6, '0').slice(0, 6)}`;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
