// Collects the values of a parameterized statement; user input reaches DuckDB only through here.
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';

/** Positional parameters (`$1`, `$2`, ...) for one SQL statement, with the types to bind them as. */
export class SqlParams {
  readonly values: DuckDBValue[] = [];
  readonly #types: (DuckDBType | undefined)[] = [];

  /**
   * Adds a value and returns the placeholder that refers to it. Without a type, the client infers one from
   * the value, which for lists means from their first element: give lists of numbers an explicit type.
   */
  add(value: DuckDBValue, type?: DuckDBType): string {
    this.values.push(value);
    this.#types.push(type);
    return `$${this.values.length}`;
  }

  /** The bind types, one per value; undefined entries are inferred by the client. */
  get types(): DuckDBType[] {
    return this.#types as DuckDBType[];
  }
}
