// The worked examples of docs/tools/*.md: calls run in this order against one fresh server, so later examples
// see what earlier ones wrote. Each tool needs at least two; `errors` lists the codes its page explains.

const ID = (n) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** Documents every other example works on: fixed uuids, so responses name them. */
const SEED = [
  {
    content: 'DuckDB is an in-process SQL database for analytics. It reads Parquet and CSV files directly and runs on a laptop.',
    metadata: { uuid: ID(1), title: 'DuckDB overview', collection: 'databases', tags: ['sql', 'analytics'], status: 'reviewed', stars: 5 },
  },
  {
    content: 'PostgreSQL is a relational database server with transactions, extensions and a rich SQL dialect.',
    metadata: { uuid: ID(2), title: 'PostgreSQL notes', collection: 'databases', tags: ['sql'], status: 'draft', stars: 4 },
  },
  {
    content: 'Vector search ranks documents by the cosine similarity of their embeddings to a query embedding.',
    metadata: { uuid: ID(3), title: 'Vector search', collection: 'search', tags: ['embeddings'], status: 'draft', stars: 3 },
  },
  {
    content: 'BM25 scores documents by term frequency and inverse document frequency, normalized by document length.',
    metadata: { uuid: ID(4), title: 'BM25 ranking', collection: 'search', tags: ['keywords'], status: 'draft', stars: 4 },
  },
];

/** Per tool: the error codes its page explains, with what each means for that tool. */
export const TOOL_ERRORS = {
  batch_search: {
    INVALID_INPUT: 'The arguments do not match the input schema (details name the field).',
    FILTER_SYNTAX: "A query's filter does not parse; reported in that query's entry, the other queries still run.",
    FILTER_TYPE: "A query's filter compares a field with a value of the wrong type; reported in that query's entry.",
    BATCH_TOO_LARGE: 'More queries than the server takes in one call.',
    CANCELLED: 'The client cancelled the call.',
  },
  batch_add: {
    INVALID_INPUT: 'The arguments do not match the input schema.',
    TX_ROLLED_BACK: 'atomic (default) and a document failed: nothing was added; details name the document and reason.',
    BATCH_TOO_LARGE: 'More documents than the server takes in one call.',
    EMBEDDING_MISMATCH: "The embedder's dimension differs from the dataset's.",
    CANCELLED: 'The client cancelled the call; an atomic add wrote nothing.',
  },
  batch_update: {
    INVALID_INPUT: 'Bad arguments, e.g. both or neither of filter and document_ids, or an unknown template placeholder.',
    MAX_DOCUMENTS_EXCEEDED: 'More records match than max_documents; nothing changed.',
    FILTER_SYNTAX: 'The filter does not parse.',
    TX_ROLLED_BACK: 'atomic (default) and a record failed (e.g. to embed): nothing changed.',
    TX_CONFLICT: 'Another call changed the same records meanwhile; retry.',
  },
  batch_delete: {
    INVALID_INPUT: 'Both or neither of filter and document_ids.',
    CONFIRM_COUNT_MISMATCH: 'confirm_count differs from the number of records that exist and match; nothing was deleted.',
    MAX_DOCUMENTS_EXCEEDED: 'More records match than one call may delete; nothing was deleted.',
    FILTER_SYNTAX: 'The filter does not parse.',
  },
  batch_export: {
    PATH_OUTSIDE_ROOTS: "output_path is not under one of the server's allowed roots (symlinks are followed); nothing was written.",
    FILE_EXISTS: 'A file the export would write exists and overwrite is false; nothing was written.',
    FILTER_SYNTAX: 'The filter does not parse.',
    CANCELLED: 'The client cancelled the call; the files written so far were removed.',
  },
  batch_import: {
    PATH_OUTSIDE_ROOTS: "source_path is not under one of the server's allowed roots.",
    FILE_NOT_FOUND: 'source_path does not exist.',
    TOO_MANY_ERRORS: 'More bad rows than validation.max_errors: nothing was imported.',
    PARSE_ERROR: 'The file is not valid in its format (the message names the row).',
    CANCELLED: 'The client cancelled the call; nothing was imported.',
  },
  search_documents: {
    FILTER_SYNTAX: 'The filter does not parse (the message gives the position).',
    FILTER_TYPE: 'The filter compares a field with a value of the wrong type.',
  },
  add_document: {
    INVALID_INPUT: 'The arguments do not match the input schema.',
    DUPLICATE_ID: 'metadata.uuid names a record that exists.',
  },
  get_document: {
    NOT_FOUND: 'No record has this uuid.',
    INVALID_INPUT: 'document_id is not a uuid.',
  },
  list_documents: {
    FILTER_SYNTAX: 'The filter does not parse.',
    INVALID_INPUT: 'The arguments do not match the input schema (e.g. an unknown order_by field).',
  },
  update_document: {
    NOT_FOUND: 'No record has this uuid.',
    INVALID_INPUT: 'Nothing to change, or a bad field.',
  },
  delete_document: {
    NOT_FOUND: 'No record has this uuid.',
  },
  batch_enhance: {
    INVALID_INPUT: 'Both or neither of filter and document_ids, or an unknown enhancement.',
    MAX_DOCUMENTS_EXCEEDED: 'More records match than max_documents; nothing changed.',
    FILTER_SYNTAX: 'The filter does not parse.',
    ENHANCER_FAILED: 'The configured LLM kept failing after retries; nothing was written (retryable for rate limits and timeouts).',
    CANCELLED: 'The client cancelled the call; nothing was written.',
  },
  batch_extract: {
    PATH_OUTSIDE_ROOTS: "A path (or a symlink in a directory) leads outside the server's allowed roots; reported for that source.",
    FILE_NOT_FOUND: 'A path does not exist; reported for that source.',
    URL_NOT_ALLOWED: 'A URL resolves to a loopback, private, link-local, CGNAT or metadata address and the server does not allow private URLs, or its scheme is not http(s).',
    URL_FETCH_FAILED: 'The server answered with a non-2xx status, or the connection failed.',
    URL_TIMEOUT: 'The fetch took longer than its time limit.',
    UNSUPPORTED_FORMAT: 'The content is not a format the extractor reads (binary data).',
    EMPTY_CONTENT: 'The source has no text.',
    EXTRACT_TIMEOUT: 'Extraction took longer than its time limit (the worker thread was stopped).',
    TOO_LARGE: 'The file or response is over the size cap.',
    TOO_MANY_FILES: 'A directory holds more files than max_files.',
    TX_ROLLED_BACK: 'continue_on_error: false and a source failed: nothing was added.',
  },
  dataset_info: {},
};

/**
 * The examples, in the order they run. `tool` is called with `args` (or with what `args(responses)` returns,
 * where `responses(tool)` lists that tool's earlier responses in order); `title` and `explain` head the example on its tool's page.
 * `files` are written under the server's allowed root first (path → content).
 */
export const EXAMPLES = [
  {
    tool: 'batch_add',
    title: 'Add documents in one transaction',
    explain: 'Metadata keys that name record fields (uuid, title, collection, tags) fill those fields; the rest stays metadata.',
    args: { documents: SEED, shared_settings: { collection: 'notes' } },
  },
  {
    tool: 'batch_add',
    title: 'An atomic add with a bad document adds nothing',
    explain: 'The second document has no content, so the whole call fails with TX_ROLLED_BACK and the first is not added either.',
    args: { documents: [{ content: 'A fine document', metadata: { title: 'Fine' } }, { metadata: { title: 'No content' } }] },
  },
  {
    tool: 'batch_add',
    title: 'A non-atomic add keeps the good documents, chunked',
    explain: 'With atomic: false the good document is added and the bad one listed; chunk_size also stores the document as chunks.',
    args: {
      documents: [
        { content: 'Chunked document. '.repeat(12).trim(), metadata: { uuid: ID(5), title: 'Chunked', collection: 'misc' } },
        { content: '', metadata: { title: 'Empty' } },
      ],
      shared_settings: { chunk_size: 80, chunk_overlap: 10 },
      atomic: false,
    },
  },
  {
    tool: 'dataset_info',
    title: 'Counts, collections and the embedder',
    args: {},
  },
  {
    tool: 'batch_search',
    title: 'Three kinds of search in one call',
    explain: 'Results come back in input order; each hit has its fused score and its component scores.',
    args: {
      queries: [
        { query: 'SQL database', limit: 2 },
        { query: 'document frequency', search_type: 'text', limit: 2 },
        { query: 'embeddings similarity', search_type: 'vector', limit: 2, filter: "collection = 'search'" },
      ],
    },
  },
  {
    tool: 'batch_search',
    title: 'A bad filter fails only its own query',
    args: {
      queries: [
        { query: 'database', limit: 1, filter: "status = 'reviewed'" },
        { query: 'database', filter: "status = = 'draft'" },
      ],
    },
  },
  {
    tool: 'search_documents',
    title: 'Hybrid search with a metadata filter',
    args: { query: 'relational SQL', limit: 2, filter: 'stars >= 4' },
  },
  {
    tool: 'search_documents',
    title: 'A filter outside the grammar',
    explain: 'Filters are parsed, never pasted into SQL: anything else is FILTER_SYNTAX with the position.',
    args: { query: 'database', filter: "title = 'x'; DROP TABLE cf_documents" },
  },
  {
    tool: 'list_documents',
    title: 'A page of documents without their content',
    args: { filter: "collection = 'databases'", limit: 1, order_by: 'title', include_content: false },
  },
  {
    tool: 'list_documents',
    title: 'The next page',
    args: { filter: "collection = 'databases'", limit: 1, offset: 1, order_by: 'title', include_content: false },
  },
  {
    tool: 'get_document',
    title: 'One document with its chunks',
    args: { document_id: ID(5), include_chunks: true },
  },
  {
    tool: 'get_document',
    title: 'An unknown id',
    args: { document_id: ID(99) },
  },
  {
    tool: 'batch_update',
    title: 'Deep-merge metadata into every match',
    explain: 'tags names a record field, so it sets the field; status merges into metadata.',
    args: { filter: "collection = 'search'", updates: { metadata_updates: { status: 'reviewed', tags: ['search', 'ranking'] } }, max_documents: 10 },
  },
  {
    tool: 'batch_update',
    title: 'Too many matches changes nothing',
    args: { filter: "status = 'reviewed'", updates: { content_template: '{{title}}: {{content}}' }, max_documents: 1 },
  },
  {
    tool: 'batch_update',
    title: 'Rewrite content from a template, by ids',
    args: { document_ids: [ID(2), ID(99)], updates: { content_template: '{{title}} ({{metadata.status}}): {{content}}' } },
  },
  {
    tool: 'update_document',
    title: 'Change one document',
    args: { document_id: ID(1), metadata_updates: { stars: null, reviewer: 'ana' } },
  },
  {
    tool: 'update_document',
    title: 'An unknown id',
    args: { document_id: ID(98), content: 'New text' },
  },
  {
    tool: 'add_document',
    title: 'Add one document',
    args: { content: 'Reciprocal Rank Fusion merges ranked lists by summing 1 / (k + rank).', metadata: { uuid: ID(6), title: 'RRF' }, collection: 'search' },
  },
  {
    tool: 'add_document',
    title: 'A uuid that exists',
    args: { content: 'Duplicate', metadata: { uuid: ID(6) } },
  },
  {
    tool: 'batch_export',
    title: 'Export a collection to JSONL',
    args: { filter: "collection = 'search'", format: 'jsonl', output_path: 'exports/search.jsonl' },
  },
  {
    tool: 'batch_export',
    title: 'Outside the allowed roots',
    args: { format: 'json', output_path: '/etc/contextframe-export.json' },
  },
  {
    tool: 'batch_import',
    title: 'Import a CSV file with a mapping, skipping bad rows',
    explain: 'The file has a `body` column mapped to content and an `author` column mapped into metadata; one row has no body.',
    files: {
      'incoming/articles.csv':
        'id,headline,body,author\n' +
        `${ID(20)},Parquet,"Columnar files, compressed per column",lee\n` +
        `${ID(21)},Arrow,In-memory columnar format,kim\n` +
        `${ID(22)},Empty,,kim\n`,
    },
    args: {
      source_path: 'incoming/articles.csv',
      mapping: { id: 'uuid', headline: 'title', body: 'content', author: 'metadata.author' },
      validation: { max_errors: 5 },
    },
  },
  {
    tool: 'batch_import',
    title: 'Re-importing the same ids with on_conflict: skip',
    args: { source_path: 'exports/search-00001.jsonl', on_conflict: 'skip' },
  },
  {
    tool: 'batch_extract',
    title: 'Extract a folder of files into documents',
    explain: 'A directory stands for every file below it; each file is sniffed (Markdown front matter becomes metadata, HTML loses its scripts and navigation).',
    files: {
      'library/intro.md': '---\ntitle: Getting started\naudience: new users\n---\n# Introduction\n\nInstall the server, then add documents with batch_add.\n',
      'library/faq.html':
        '<html><head><title>FAQ</title><script>track()</script></head><body><nav>Home | Docs</nav><main><h1>FAQ</h1>' +
        '<p>Filters are parsed, never pasted into SQL.</p></main></body></html>',
      'library/notes.txt': 'Plain notes: hybrid search fuses BM25 and vector rankings.\n',
    },
    args: { sources: [{ path: 'library' }], collection: 'library', shared_metadata: { imported_by: 'docs' } },
  },
  {
    tool: 'batch_extract',
    title: 'Sources that fail are listed; the rest are added',
    explain: "The server runs without --allow-private-urls, so a loopback URL is refused; a path outside the allowed roots is refused too.",
    args: { sources: [{ path: 'library/notes.txt' }, { url: 'http://127.0.0.1:8080/internal' }, { path: '/etc/passwd' }], add_to_dataset: false },
  },
  {
    tool: 'batch_enhance',
    title: 'Titles, tags and facts from the built-in extractive enhancer',
    explain: 'Without --llm-url, titles come from the first heading or sentence, tags from TF-IDF against this dataset, facts are simple counts and detections.',
    // By ids, in the order batch_extract returned them, so the results keep a stable order.
    args: (responses) => ({
      document_ids: responses('batch_extract')[0].results.flatMap((r) => (r.document_id ? [r.document_id] : [])),
      enhancements: ['tags', 'metadata'],
      purpose: 'a searchable user guide',
    }),
  },
  {
    tool: 'batch_enhance',
    title: 'Too many matches changes nothing',
    args: { filter: "collection = 'library'", enhancements: ['title'], max_documents: 2 },
  },
  {
    tool: 'batch_delete',
    title: 'A dry run (the default)',
    args: { filter: "collection = 'databases'" },
  },
  {
    tool: 'batch_delete',
    title: 'A confirm_count that does not match deletes nothing',
    args: { filter: "collection = 'databases'", dry_run: false, confirm_count: 5 },
  },
  {
    tool: 'batch_delete',
    title: 'Delete for real, confirming the count',
    args: { filter: "collection = 'databases'", dry_run: false, confirm_count: 2 },
  },
  {
    tool: 'delete_document',
    title: 'Delete one document (its chunks go with it)',
    args: { document_id: ID(5) },
  },
  {
    tool: 'delete_document',
    title: 'An unknown id',
    args: { document_id: ID(5) },
  },
  {
    tool: 'dataset_info',
    title: 'After the examples above',
    args: {},
  },
];
