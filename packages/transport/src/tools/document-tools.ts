// The single-document tools, in the order tools/list shows them.
import type { AnyToolSpec } from './tool-spec.js';
import { addDocument } from './documents/add-document.js';
import { datasetInfo } from './documents/dataset-info.js';
import { deleteDocument } from './documents/delete-document.js';
import { getDocument } from './documents/get-document.js';
import { listDocuments } from './documents/list-documents.js';
import { searchDocuments } from './documents/search-documents.js';
import { updateDocument } from './documents/update-document.js';

/** search, add, get, list, update, delete one document; describe the dataset. */
export const DOCUMENT_TOOLS: readonly AnyToolSpec[] = [searchDocuments, addDocument, getDocument, listDocuments, updateDocument, deleteDocument, datasetInfo];
