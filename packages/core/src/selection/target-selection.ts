// Which records an update or delete touches: a filter or a list of ids, exactly one of them.
import type { DatasetReader } from '@contextframe/dataset';
import { z } from 'zod';
import { CoreError } from '../errors/core-error.js';
import { isUuid } from '../records/uuid.js';

// The store reads at most this many ids at once; one more than a limit must fit.
const MAX_READ = 1_000_000;

/** Most ids one call may list. */
export const MAX_DOCUMENT_IDS = 100_000;

/** The zod fields shared by every operation that selects records; exactly one must be given. */
export const targetSelectionShape = {
  filter: z
    .string()
    .regex(/\S/, 'must not be empty; to select every record, use the filter "uuid IS NOT NULL"')
    .optional()
    .describe(
      "Select the records matching this filter, e.g. \"collection = 'notes' AND status = 'draft'\". Give either filter or document_ids.",
    ),
  document_ids: z
    .array(z.string().min(1))
    .min(1)
    .max(MAX_DOCUMENT_IDS)
    .optional()
    .describe('Select these records by uuid. Give either document_ids or filter. Unknown ids are reported in not_found.'),
};

/** A checked selection. */
export type TargetSelection = { readonly kind: 'filter'; readonly filter: string } | { readonly kind: 'ids'; readonly ids: readonly string[] };

/** Checks that exactly one of `filter` and `document_ids` is given; throws CoreError INVALID_INPUT otherwise. */
export function checkSelection(input: { readonly filter?: string | undefined; readonly document_ids?: readonly string[] | undefined }): TargetSelection {
  const hasFilter = input.filter !== undefined;
  const hasIds = input.document_ids !== undefined;
  if (hasFilter === hasIds) {
    throw new CoreError(
      'INVALID_INPUT',
      `Give exactly one of filter or document_ids (got ${hasFilter ? 'both' : 'neither'}): filter selects records by their fields, document_ids by uuid.`,
      { data: { field: 'filter|document_ids' } },
    );
  }
  return hasFilter ? { kind: 'filter', filter: input.filter! } : { kind: 'ids', ids: input.document_ids! };
}

/** The records a selection resolves to. */
export interface ResolvedTargets {
  /** Existing matching uuids: in uuid order for a filter, in the order given for ids (without repeats). */
  readonly matched: string[];
  /** Requested ids that are not in the dataset, as given (always empty for a filter). */
  readonly notFound: string[];
  /** More than `max` records matched; for a filter, `matched` then holds only the first `max`. */
  readonly exceeded: boolean;
}

/** The reads a selection needs: a dataset reader or an open transaction. */
export type SelectionReader = Pick<DatasetReader, 'ids' | 'existing' | 'count'>;

/**
 * Resolves a selection against `reader`, reading at most `max + 1` ids so an over-large match is detected
 * without loading it. Ids that are not UUIDs can't exist, so they land in `notFound` without a lookup.
 */
export async function resolveTargets(reader: SelectionReader, selection: TargetSelection, max: number): Promise<ResolvedTargets> {
  if (selection.kind === 'filter') {
    const ids = await reader.ids(selection.filter, Math.min(max + 1, MAX_READ));
    const exceeded = ids.length > max;
    return { matched: exceeded ? ids.slice(0, max) : ids, notFound: [], exceeded };
  }
  const asked = new Map<string, string>();
  for (const id of selection.ids) {
    const key = isUuid(id) ? id.toLowerCase() : id;
    if (!asked.has(key)) asked.set(key, id);
  }
  const lookups = [...asked.keys()].filter((key) => isUuid(key));
  const existing = await reader.existing(lookups);
  const matched = [...asked.keys()].filter((key) => existing.has(key));
  const notFound = [...asked].filter(([key]) => !existing.has(key)).map(([, given]) => given);
  return { matched, notFound, exceeded: matched.length > max };
}

/** How many records a selection matches in all (used to word a MAX_DOCUMENTS_EXCEEDED error). */
export async function countTargets(reader: SelectionReader, selection: TargetSelection, resolved: ResolvedTargets): Promise<number> {
  return selection.kind === 'filter' ? reader.count(selection.filter) : resolved.matched.length;
}
