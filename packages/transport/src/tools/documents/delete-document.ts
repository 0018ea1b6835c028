// delete_document: remove one record by uuid (and its chunks, when it is a document).
import { parseInput } from '@contextframe/core';
import { z } from 'zod';
import { DeleteDocumentOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';
import { documentIdSchema, notFound } from './document-id.js';

const DeleteDocumentInputSchema = z.strictObject({ document_id: documentIdSchema }).describe('Which record to delete.');

interface DeleteDocumentResult {
  readonly document_id: string;
  readonly deleted: true;
  readonly chunks_deleted: number;
}

/** delete_document: one record and its chunks. */
export const deleteDocument = defineTool<DeleteDocumentResult>({
  name: 'delete_document',
  title: 'Delete a document',
  description: () =>
    'Delete one record by uuid, at once (no dry run: check it with get_document first if unsure). The chunks of a deleted document are ' +
    'deleted with it. Fails with NOT_FOUND for an unknown uuid. For many records use batch_delete, which starts with a dry run.\n' +
    'Example: {"document_id": "0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d"}',
  input: DeleteDocumentInputSchema,
  output: DeleteDocumentOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  writes: true,
  reportsProgress: false,
  run: async (args, context) => {
    const input = parseInput(DeleteDocumentInputSchema, args, 'delete_document');
    const result = await context.dataset.delete([input.document_id]);
    if (result.deleted.length === 0) throw notFound(input.document_id);
    return { document_id: result.deleted[0]!, deleted: true, chunks_deleted: result.chunksDeleted };
  },
});
