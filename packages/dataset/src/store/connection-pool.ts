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
    const connection = this.#idle.pop() ?? (await this.#instance.connect());
    try {
      return await fn(connection);
    } finally {
      if (this.#idle.length < this.#maxIdle) this.#idle.push(connection);
      else connection.closeSync();
    }
  }

  /** Closes every idle connection. */
  close(): void {
    for (const connection of this.#idle.splice(0)) connection.closeSync();
  }
}
