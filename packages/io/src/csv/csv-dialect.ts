// The CSV dialect options, checked once: single ASCII characters that cannot be confused with each other.
import type { CsvOptions } from '../format-reader.js';
import { IoError } from '../io-error.js';

/** A checked dialect. */
export interface CsvDialect {
  readonly delimiter: string;
  readonly quote: string;
}

/** Checks `options` and fills the defaults (`,` and `"`); throws INVALID_OPTIONS. */
export function csvDialect(options: CsvOptions = {}): CsvDialect {
  const delimiter = options.delimiter ?? ',';
  const quote = options.quote ?? '"';
  for (const [name, value] of [['delimiter', delimiter], ['quote', quote]] as const) {
    if (value.length !== 1 || value.charCodeAt(0) > 0x7f || value === '\n' || value === '\r') {
      throw new IoError('INVALID_OPTIONS', `CSV ${name} must be one ASCII character other than a line break, got ${JSON.stringify(value)}.`, {
        data: { [name]: value },
      });
    }
  }
  if (delimiter === quote) {
    throw new IoError('INVALID_OPTIONS', `CSV delimiter and quote must differ; both are ${JSON.stringify(delimiter)}.`, {
      data: { delimiter, quote },
    });
  }
  return { delimiter, quote };
}
