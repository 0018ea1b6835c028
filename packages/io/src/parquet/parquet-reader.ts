// Reads Parquet through DuckDB's bundled reader, streamed chunk by chunk from `read_parquet($1)`.
import { type DuckDBArrayType, type DuckDBListType, type DuckDBResult, type DuckDBType, DuckDBTypeId } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import { readVarcharListVector, readVarcharVector } from '@contextframe/dataset/duckdb-vectors';
import type { FormatReader, SourceItem, SourceReader } from '../format-reader.js';
import { ReadProgress } from '../read/read-progress.js';
import { IoError, abortError } from '../io-error.js';
import { assertReadableFile } from '../text/file-chunks.js';
import { openPrivateDuckDB, quoteIdentifier } from './private-duckdb.js';
import { readBooleans, readDoubles, readFloatLists, readTimestamps } from './vector-data.js';

/** Rows per batch: small enough that a batch dies young (cheap garbage). DuckDB sends 2,048 per chunk. */
const BATCH_ROWS = 512;

const TIMESTAMPS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.TIMESTAMP,
  DuckDBTypeId.TIMESTAMP_S,
  DuckDBTypeId.TIMESTAMP_MS,
  DuckDBTypeId.TIMESTAMP_NS,
  DuckDBTypeId.TIMESTAMP_TZ,
]);

/** How one Parquet column reaches JS: the select expression that shapes it, and how its vector is read. */
interface ColumnPlan {
  readonly name: string;
  readonly kind: 'text' | 'json' | 'number' | 'boolean' | 'floats' | 'timestamp' | 'strings';
  readonly arraySize: number | null;
}

const NUMBERS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

/** The plan and select expression for one column of `type`. */
function planColumn(name: string, type: DuckDBType): { plan: ColumnPlan; select: string } {
  const column = quoteIdentifier(name);
  const as = ` AS ${column}`;
  const typeId = type.typeId;
  if (typeId === DuckDBTypeId.LIST && (type as DuckDBListType).valueType.typeId === DuckDBTypeId.FLOAT) {
    return { plan: { name, kind: 'floats', arraySize: null }, select: column };
  }
  if (typeId === DuckDBTypeId.ARRAY && (type as DuckDBArrayType).valueType.typeId === DuckDBTypeId.FLOAT) {
    return { plan: { name, kind: 'floats', arraySize: (type as DuckDBArrayType).length }, select: column };
  }
  if (typeId === DuckDBTypeId.LIST && (type as DuckDBListType).valueType.typeId === DuckDBTypeId.VARCHAR && (type as DuckDBListType).valueType.alias !== 'JSON') {
    return { plan: { name, kind: 'strings', arraySize: null }, select: column };
  }
  if (typeId === DuckDBTypeId.VARCHAR && type.alias !== 'JSON') return { plan: { name, kind: 'text', arraySize: null }, select: column };
  if (typeId === DuckDBTypeId.VARCHAR) return { plan: { name, kind: 'json', arraySize: null }, select: column };
  if (TIMESTAMPS.has(typeId)) {
    // Epoch milliseconds, formatted by toISOString in JS: several times cheaper than DuckDB's strftime. The
    // session time zone is UTC, so a TIMESTAMP without one is taken as UTC.
    return { plan: { name, kind: 'timestamp', arraySize: null }, select: `epoch_ms(${column}::TIMESTAMP)::DOUBLE${as}` };
  }
  if (typeId === DuckDBTypeId.UUID || typeId === DuckDBTypeId.DATE || typeId === DuckDBTypeId.ENUM) {
    return { plan: { name, kind: 'text', arraySize: null }, select: `${column}::VARCHAR${as}` };
  }
  if (NUMBERS.has(typeId)) return { plan: { name, kind: 'number', arraySize: null }, select: `${column}::DOUBLE${as}` };
  if (typeId === DuckDBTypeId.BOOLEAN) return { plan: { name, kind: 'boolean', arraySize: null }, select: column };
  // Lists, structs, maps and the rest: as DuckDB writes them in JSON.
  return { plan: { name, kind: 'json', arraySize: null }, select: `to_json(${column})::VARCHAR${as}` };
}

/**
 * Parquet rows are numbered from 1 in file order. Columns of FLOAT[] or FLOAT[n] arrive as Float32Array,
 * bit for bit; timestamps as ISO 8601 UTC strings with milliseconds (a timestamp without a time zone is taken
 * as UTC; one beyond JS dates' range, after the year 275,760, as epoch milliseconds); VARCHAR[] as string
 * arrays; every
 * other column as the JSON value DuckDB gives it (text, numbers, booleans, lists, structs as objects).
 * A file that is not Parquet (an empty file included) throws PARSE_ERROR when opened.
 */
export const parquetReader: FormatReader = {
  format: 'parquet',
  async open(path, options): Promise<SourceReader> {
    await assertReadableFile(path);
    const db = await openPrivateDuckDB();
    let plans: ColumnPlan[];
    let sql: string;
    let makeFields: RowMaker;
    let progress = new ReadProgress(0);
    try {
      let names: string[];
      let types: DuckDBType[];
      try {
        const probe = await db.connection.run('SELECT * FROM read_parquet($1) LIMIT 0', [path]);
        names = probe.columnNames();
        types = probe.columnTypes();
        // The footer holds the row count, so this reads no data.
        const count = await db.connection.runAndReadAll('SELECT count(*)::DOUBLE FROM read_parquet($1)', [path]);
        progress = new ReadProgress(Number(count.getRows()[0]![0]));
      } catch (error) {
        throw new IoError(
          'PARSE_ERROR',
          `"${path}" is not a readable Parquet file (${firstLine(error)}); check that it is Parquet and complete, or name its real format.`,
          { data: { path }, cause: error },
        );
      }
      plans = [];
      const selects: string[] = [];
      names.forEach((name, i) => {
        const { plan, select } = planColumn(name, types[i]!);
        plans.push(plan);
        selects.push(select);
      });
      sql = `SELECT ${selects.join(', ')} FROM read_parquet($1)`;
      makeFields = rowMaker(plans.map((plan) => plan.name));
    } catch (error) {
      db.close();
      throw error;
    }

    let closed = false;
    // The fetch running on DuckDB's thread, if any: DuckDB must not be closed under it.
    let next: Promise<unknown> | null = null;
    const close = async (): Promise<void> => {
      closed = true;
      await next?.catch(() => undefined);
      db.close();
    };
    return {
      columns: plans.map((plan) => plan.name),
      progress: () => progress.fraction(),
      close,
      async *[Symbol.asyncIterator]() {
        try {
          let result: DuckDBResult;
          try {
            result = await db.connection.stream(sql, [path]);
          } catch (error) {
            throw parquetError(path, 0, error);
          }
          let row = 0;
          // Ask for the next chunk before converting this one, so DuckDB decodes while JS converts.
          next = result.fetchChunk();
          for (;;) {
            if (closed) return;
            if (options.signal?.aborted) throw abortError(options.signal, `Reading "${path}"`);
            let chunk: Awaited<ReturnType<DuckDBResult['fetchChunk']>>;
            try {
              chunk = (await next) as Awaited<ReturnType<DuckDBResult['fetchChunk']>>;
            } catch (error) {
              throw parquetError(path, row, error);
            }
            if (chunk === null || chunk.rowCount === 0) return;
            next = result.fetchChunk();
            next.catch(() => undefined); // its error, if any, is thrown by the await above
            const rows = chunk.rowCount;
            const columns = plans.map((plan, c) => readColumn(plan, bindings.data_chunk_get_vector(chunk.chunk, c), rows));
            for (let from = 0; from < rows; from += BATCH_ROWS) {
              const to = Math.min(rows, from + BATCH_ROWS);
              const items: SourceItem[] = new Array<SourceItem>(to - from);
              for (let r = from; r < to; r++) {
                row += 1;
                items[r - from] = { row, fields: makeFields(columns, r) };
              }
              progress.done = row;
              yield items;
            }
          }
        } finally {
          await close();
        }
      },
    };
  },
};

/** Builds the fields object of row `r` from column arrays. */
type RowMaker = (columns: readonly (readonly unknown[])[], r: number) => Record<string, unknown>;

/**
 * A function that builds each row's object as one literal with the columns' names in order, so every row
 * shares one object shape (V8 hidden class): filling an empty object key by key made slow dictionary objects
 * that the field mapper then walked. Names enter the code only as JSON string literals.
 */
function rowMaker(names: readonly string[]): RowMaker {
  // A name like "__proto__" would set the prototype in a literal: such files take the plain path.
  if (names.some((name) => name === '__proto__') || new Set(names).size !== names.length) {
    return (columns, r) => {
      const fields: Record<string, unknown> = {};
      names.forEach((name, c) => {
        Object.defineProperty(fields, name, { value: columns[c]![r], enumerable: true, writable: true, configurable: true });
      });
      return fields;
    };
  }
  const body = `return { ${names.map((name, c) => `${JSON.stringify(name)}: columns[${c}][r]`).join(', ')} };`;
  return new Function('columns', 'r', body) as RowMaker;
}

function readColumn(plan: ColumnPlan, vector: bindings.Vector, rows: number): readonly unknown[] {
  switch (plan.kind) {
    case 'text':
      return readVarcharVector(vector, rows);
    case 'json':
      return readVarcharVector(vector, rows).map((text) => (text === null ? null : (JSON.parse(text) as unknown)));
    case 'number':
      return readDoubles(vector, rows);
    case 'boolean':
      return readBooleans(vector, rows);
    case 'floats':
      return readFloatLists(vector, rows, plan.arraySize);
    case 'timestamp':
      return readTimestamps(vector, rows);
    case 'strings':
      return readVarcharListVector(vector, rows);
  }
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0]!;
}

function parquetError(path: string, row: number, error: unknown): IoError {
  return new IoError('PARSE_ERROR', `Parquet file "${path}" could not be read after row ${row} (${firstLine(error)}); it may be truncated or damaged.`, {
    data: { path, row },
    cause: error,
  });
}
