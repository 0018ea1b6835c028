// Splits a large ordered scan into uuid ranges, so no single sort has to hold the whole selection.
import type { DuckDBConnection } from '@duckdb/node-api';
import { DOCUMENTS_TABLE } from '../schema.js';
import { SqlParams } from '../sql/params.js';

/** Records sampled to place the bounds; selections of at most this many are sorted in one query, unmeasured. */
export const SCAN_SAMPLE_ROWS = 4096;
/** A sorted row's bytes besides its text and vector: fixed-size columns and per-string headers. */
const ROW_OVERHEAD_BYTES = 256;

/**
 * The uuids that split the records matching `where` into ranges of about `sortBytes` each, ascending (none
 * when one range will do). Sizes come from a fixed-seed sample of the matching records, so the ranges are
 * only about equal; every record falls in exactly one of them whatever the bounds are. `where` writes the
 * filter's SQL, its values going into the given params.
 */
export async function scanBounds(
  connection: DuckDBConnection,
  where: (params: SqlParams) => string,
  withEmbedding: boolean,
  sortBytes: number,
): Promise<string[]> {
  const counted = new SqlParams();
  const countSql = `SELECT count(*) FROM ${DOCUMENTS_TABLE} WHERE ${where(counted)}`;
  const total = Number((await connection.runAndReadAll(countSql, counted.values, counted.types)).getRows()[0]![0]);
  if (total <= SCAN_SAMPLE_ROWS) return [];
  const params = new SqlParams();
  const sizes =
    'strlen(uuid) + strlen(content) + coalesce(strlen(title), 0) + coalesce(strlen(context), 0) + strlen(metadata::VARCHAR)' +
    ` + coalesce(strlen(source_uri), 0) + ${ROW_OVERHEAD_BYTES}${withEmbedding ? ' + 4 * coalesce(len(embedding), 0)' : ''}`;
  const reader = await connection.runAndReadAll(
    `SELECT uuid, bytes FROM (SELECT uuid, (${sizes})::DOUBLE AS bytes FROM ${DOCUMENTS_TABLE} WHERE ${where(params)})
     USING SAMPLE reservoir(${SCAN_SAMPLE_ROWS} ROWS) REPEATABLE (1) ORDER BY uuid`,
    params.values,
    params.types,
  );
  const sample = reader.getRows().map((row) => ({ uuid: row[0] as string, bytes: Number(row[1] ?? 0) }));
  const averageBytes = sample.reduce((sum, row) => sum + row.bytes, 0) / Math.max(1, sample.length);
  const ranges = Math.min(sample.length, Math.ceil((total * averageBytes) / sortBytes));
  const bounds: string[] = [];
  for (let i = 1; i < ranges; i++) bounds.push(sample[Math.floor((i * sample.length) / ranges)]!.uuid);
  return bounds;
}
