// search_documents: one search (batch_search with a single query), failing as a whole when the query fails.
import { batchSearch, CoreError, type CoreErrorCode, parseInput, type SearchQueryResult, SearchQuerySchema } from '@contextframe/core';
import { FILTER_HELP } from '@contextframe/dataset';
import { fitNestedHits } from '../../results/size-budget.js';
import { SearchDocumentsOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';

type SearchDocumentsResult = Omit<SearchQueryResult, 'success' | 'error' | 'code'> & { truncated?: boolean; omitted?: number };

/** search_documents: one search; a failing query fails the call. */
export const searchDocuments = defineTool<SearchDocumentsResult>({
  name: 'search_documents',
  title: 'Search documents',
  description: () =>
    "Search the dataset once. search_type: 'hybrid' (default; keywords and embeddings fused), 'vector' (embedding similarity) or 'text' " +
    '(BM25 keywords); limit (default 10); an optional filter applied before ranking. A bad filter fails the call with FILTER_SYNTAX (or ' +
    'FILTER_TYPE / UNKNOWN_FIELD) and a message pointing at the problem. For several searches use batch_search: one call instead of many.\n\n' +
    `${FILTER_HELP}\n\n` +
    'Example: {"query": "how to configure embeddings", "limit": 5, "filter": "collection = \'docs\'"}',
  input: SearchQuerySchema,
  output: SearchDocumentsOutputSchema,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  writes: false,
  reportsProgress: false,
  run: async (args, context) => {
    const query = parseInput(SearchQuerySchema, args, 'search_documents');
    const { results } = await batchSearch({ queries: [query], max_parallel: 1 }, context);
    const { success, error, code, ...found } = results[0]!;
    if (!success) throw new CoreError((code ?? 'INTERNAL') as CoreErrorCode, error ?? 'The search failed.');
    return found;
  },
  fit: (result, budget) => {
    // The result is the one query's entry itself, so nothing surrounds it.
    return fitNestedHits([result], 0, budget).queries[0]!;
  },
});
