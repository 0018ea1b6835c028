// Builds one WHERE clause for many queries by grouping them by filter, so each distinct filter appears once.
import { INTEGER, LIST, listValue } from '@duckdb/node-api';
import { compileFilter } from '../filter/compile.js';
import type { SqlParams } from '../sql/params.js';

/** Query indexes grouped by their (trimmed) filter text; '' is the group without a filter. */
export function groupByFilter(filters: readonly (string | null)[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  filters.forEach((filter, index) => {
    const key = filter?.trim() ?? '';
    const group = groups.get(key);
    if (group) group.push(index);
    else groups.set(key, [index]);
  });
  return groups;
}

/**
 * A condition over `${qidColumn}` and the records aliased `alias` that applies each query's own filter,
 * or null when no query has a filter (every record competes for every query). Queries sharing a filter
 * share its compiled condition: `(qid IN (0, 3) AND <filter>) OR (qid IN (1) AND <other filter>)`.
 */
export function perQueryFilter(
  filters: readonly (string | null)[],
  qidColumn: string,
  alias: string,
  params: SqlParams,
  hasEmbedding: boolean,
): string | null {
  const groups = groupByFilter(filters);
  if (groups.size === 1 && groups.has('')) return null;
  return [...groups]
    .map(([filter, qids]) => {
      const condition = compileFilter(filter === '' ? null : filter, { alias, params, hasEmbedding });
      return `(list_contains(${params.add(listValue(qids), LIST(INTEGER))}, ${qidColumn}) AND (${condition}))`;
    })
    .join(' OR ');
}
