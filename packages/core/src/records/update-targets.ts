// Which records an update changes: documents a selection names, never a chunk apart from its document.
import { type DatasetReader, isDatasetError } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';
import { resolveTargets, type TargetSelection } from '../selection/target-selection.js';

// The store reads at most this many ids at once.
const MAX_READ = 1_000_000;
// Uuids per `IN (...)` list: about 40 characters each keeps a filter far below its length limit.
const IDS_PER_FILTER = 1_000;
const READ_BATCH = 500;
const EXAMPLES = 20;

/** The reads resolving an update's targets needs: a dataset reader or an open transaction. */
export type UpdateTargetReader = Pick<DatasetReader, 'ids' | 'existing' | 'count' | 'get'>;

/** The records an update changes. */
export interface UpdateTargets {
  /**
   * The selected documents (records without a parent_id) and orphan chunks (whose document is gone), in uuid
   * order for a filter, in the order given for ids. Chunks of these documents follow them and are not listed.
   */
  readonly matched: string[];
  /** Requested ids that are not in the dataset, as given (always empty for a filter). */
  readonly notFound: string[];
  /** More than `max` records matched; `matched` then holds only some of them. */
  readonly exceeded: boolean;
  /** How many records match in all; only counted when `exceeded`. */
  readonly total: number;
}

/**
 * Resolves a selection for an update. A chunk is changed through its document: a selected chunk whose
 * document is selected too follows it (and isn't counted); one whose document is not selected fails the call
 * with INVALID_INPUT naming the document to select instead, before anything changes. A chunk whose document
 * no longer exists is an ordinary record and is updated alone. `max` bounds the documents read; more fail
 * with `exceeded`.
 */
export async function resolveUpdateTargets(reader: UpdateTargetReader, selection: TargetSelection, max: number): Promise<UpdateTargets> {
  if (selection.kind === 'ids') {
    const resolved = await resolveTargets(reader, selection, Number.MAX_SAFE_INTEGER);
    const chunks = await chunksAmong(reader, resolved.matched);
    const orphans = await checkChunks(reader, chunks, new Set(resolved.matched));
    const matched = resolved.matched.filter((id) => !chunks.has(id) || orphans.has(id));
    return { matched, notFound: resolved.notFound, exceeded: matched.length > max, total: matched.length };
  }
  const documentsFilter = `(${selection.filter}) AND parent_id IS NULL`;
  const documents = await userFilterIds(reader, documentsFilter, selection.filter, Math.min(max + 1, MAX_READ));
  if (documents.length > max) return { matched: documents.slice(0, max), notFound: [], exceeded: true, total: await reader.count(documentsFilter) };
  const chunkIds = await reader.ids(`(${selection.filter}) AND parent_id IS NOT NULL`, MAX_READ);
  if (chunkIds.length === 0) return { matched: documents, notFound: [], exceeded: false, total: documents.length };
  if (chunkIds.length >= MAX_READ) {
    // Too many to check one by one; leaving chunks out of the filter selects the same documents, and their chunks still follow.
    throw new CoreError(
      'INVALID_INPUT',
      `The filter matches ${MAX_READ.toLocaleString('en-US')} or more chunk records, too many to check against their documents; add AND parent_id IS NULL ` +
        'to it (chunks change with their documents anyway).',
      { data: { field: 'filter' } },
    );
  }
  // Chunks of selected documents follow them; only the rest need a closer look (checkChunks lets any follower through).
  const strays = new Set(chunkIds);
  for (let i = 0; i < documents.length && strays.size > 0; i += IDS_PER_FILTER) {
    for (const id of await reader.ids(`parent_id IN (${quoted(documents.slice(i, i + IDS_PER_FILTER))})`, MAX_READ)) strays.delete(id);
  }
  const orphans = await checkChunks(reader, strays, new Set(documents));
  const matched = orphans.size === 0 ? documents : [...documents, ...orphans].sort();
  return { matched, notFound: [], exceeded: matched.length > max, total: matched.length };
}

/**
 * The ids of `composed` (the caller's filter with a condition added). Should it fail, the caller's own filter
 * is run alone, so a mistake in it is reported as the caller wrote it (positions included).
 */
async function userFilterIds(reader: UpdateTargetReader, composed: string, filter: string, limit: number): Promise<string[]> {
  try {
    return await reader.ids(composed, limit);
  } catch (error) {
    if (isDatasetError(error)) await reader.ids(filter, 1);
    throw error;
  }
}

/** Which of `ids` (existing uuids) are chunks. */
async function chunksAmong(reader: UpdateTargetReader, ids: readonly string[]): Promise<Set<string>> {
  const chunks = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_FILTER) {
    const slice = ids.slice(i, i + IDS_PER_FILTER);
    for (const id of await reader.ids(`parent_id IS NOT NULL AND uuid IN (${quoted(slice)})`, MAX_READ)) chunks.add(id);
  }
  return chunks;
}

/**
 * Checks selected chunks whose document may not be selected: a chunk of a selected document follows it, a chunk
 * whose document is gone is returned (an orphan, updated alone), and any other fails with INVALID_INPUT.
 */
async function checkChunks(reader: UpdateTargetReader, chunks: ReadonlySet<string>, selected: ReadonlySet<string>): Promise<Set<string>> {
  const outside: { chunk: string; parent: string }[] = [];
  const ids = [...chunks];
  for (let i = 0; i < ids.length; i += READ_BATCH) {
    for (const record of await reader.get(ids.slice(i, i + READ_BATCH), { includeEmbedding: false })) {
      if (record.parent_id !== null && !selected.has(record.parent_id)) outside.push({ chunk: record.uuid, parent: record.parent_id });
    }
  }
  const orphans = new Set<string>();
  if (outside.length === 0) return orphans;
  const parents = [...new Set(outside.map((entry) => entry.parent))];
  const existing = new Set<string>();
  for (let i = 0; i < parents.length; i += IDS_PER_FILTER) for (const id of await reader.existing(parents.slice(i, i + IDS_PER_FILTER))) existing.add(id);
  const refused = outside.filter((entry) => existing.has(entry.parent));
  for (const entry of outside) if (!existing.has(entry.parent)) orphans.add(entry.chunk);
  if (refused.length > 0) throw chunkSelectedError(refused);
  return orphans;
}

function chunkSelectedError(refused: readonly { chunk: string; parent: string }[]): CoreError {
  const [first] = refused;
  const documents = [...new Set(refused.map((entry) => entry.parent))];
  const more = refused.length > 1 ? ` (and ${refused.length - 1} more chunk${refused.length > 2 ? 's' : ''} of ${documents.length} document${documents.length > 1 ? 's' : ''})` : '';
  return new CoreError(
    'INVALID_INPUT',
    `Record ${first!.chunk} is a chunk of document ${first!.parent}, which is not selected${more}; nothing was changed. ` +
      'A chunk changes with its document: update the document instead (its chunks get the same fields and metadata, and new ' +
      'chunks when its content changes). A filter can leave chunks out with AND parent_id IS NULL.',
    { data: { field: 'selection', chunks: refused.slice(0, EXAMPLES).map((entry) => entry.chunk), documents: documents.slice(0, EXAMPLES) } },
  );
}

// Only canonical uuids (read back from the store) are quoted here, so they need no escaping.
function quoted(ids: readonly string[]): string {
  return ids.map((id) => `'${id}'`).join(', ');
}
