// Collects the values of a parameterized statement; user input reaches DuckDB only through here.
import type { DuckDBValue } from '@duckdb/node-api';

/** Positional parameters (`$1`, `$2`, ...) for one SQL statement. */
export class SqlParams {
  readonly values: DuckDBValue[] = [];

  /** Adds a value and returns the placeholder that refers to it. */
  add(value: DuckDBValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}
