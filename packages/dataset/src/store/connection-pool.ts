// Hands out DuckDB connections: one per transaction or read, reused once returned.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** A small pool of connections to one DuckDB instance. Each borrower has its connection to itself. */
export class ConnectionPool {
  readonly #instance: DuckDBInstance;
  readonly #idle: DuckDBConnection[] = [];
  readonly #maxIdle: number;

  constructor(instance: DuckDBInstance, maxIdle = 8) {
    this.#instance = instance;
    this.#maxIdle = maxIdle;
  }

  /** Runs `fn` with a connection of its own and returns the connection afterwards. */
  async use<T>(fn: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const connection = this.#idle.pop() ?? (await this.#connect());
    try {
      return await fn(connection);
    } finally {
      if (this.#idle.length < this.#maxIdle) this.#idle.push(connection);
      else connection.closeSync();
    }
  }

  async #connect(): Promise<DuckDBConnection> {
    const connection = await this.#instance.connect();
    // A transaction's appended rows stay in memory until DuckDB writes them into the file, by default five
    // row groups (614,400 rows) per table at a time: about 200 MB of a 1M-row import. One row group at a
    // time bounds that; the work is the same, since every row group is compressed and written once anyway.
    await connection.run('SET SESSION write_buffer_row_group_count = 1');
    return connection;
  }

  /** Closes every idle connection. */
  close(): void {
    for (const connection of this.#idle.splice(0)) connection.closeSync();
  }
}
