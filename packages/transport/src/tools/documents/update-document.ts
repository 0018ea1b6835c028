// update_document: new content and/or merged metadata for one record, re-embedding changed content; chunks follow.
import { CoreError, parseInput, updateRecord } from '@contextframe/core';
import { z } from 'zod';
import { UpdateDocumentOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';
import { documentIdSchema, notFound } from './document-id.js';
import { type RecordOutput, recordOutput } from './record-output.js';

const UpdateDocumentInputSchema = z
  .strictObject({
    document_id: documentIdSchema,
    content: z.string().optional().describe('The new content (replaces the old).'),
    metadata_updates: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "Deep-merged into the record's metadata: nested objects merge, null removes a key, other values replace. Keys named collection, " +
          'title, context, tags, record_type, source_type or source_uri set those fields instead.',
      ),
    regenerate_embeddings: z
      .boolean()
      .default(true)
      .describe('true: changed content is embedded again. false: its now stale vector is removed instead.'),
  })
  .describe('Which record, and what changes.');

interface UpdateDocumentResult {
  readonly document: RecordOutput;
  readonly embedding_regenerated: boolean;
}

/** update_document: new content and/or merged metadata for one record (through core's updateRecord, as batch_update does). */
export const updateDocument = defineTool<UpdateDocumentResult>({
  name: 'update_document',
  title: 'Update a document',
  description: () =>
    'Change one record: give content (replaced, and embedded again unless regenerate_embeddings is false) and/or metadata_updates ' +
    "(deep-merged into its metadata; null removes a key; keys like title or tags set those fields). Returns the updated record without " +
    "its content. A chunked document's chunks follow: new content gets new chunks, cut as the old ones were, and field and metadata " +
    "changes reach its chunks; a chunk's own uuid fails with INVALID_INPUT (update its document). Fails with NOT_FOUND for an unknown " +
    'uuid, and with TX_CONFLICT (retryable) when the record changed meanwhile. For many records use batch_update.\n' +
    'Example: {"document_id": "0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d", "metadata_updates": {"status": "reviewed", "tags": ["checked"]}}',
  input: UpdateDocumentInputSchema,
  output: UpdateDocumentOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  writes: true,
  reportsProgress: false,
  run: async (args, context) => {
    const input = parseInput(UpdateDocumentInputSchema, args, 'update_document');
    if (input.content === undefined && input.metadata_updates === undefined) {
      throw new CoreError('INVALID_INPUT', 'update_document changes nothing: give content, metadata_updates or both.', { data: { field: 'content|metadata_updates' } });
    }
    // Core's updateRecord is batch_update's own path: a chunked document's chunks are rebuilt or follow its changes.
    const result = await updateRecord(
      { uuid: input.document_id, content: input.content, metadataUpdates: input.metadata_updates, regenerateEmbeddings: input.regenerate_embeddings },
      context,
    );
    if (result === undefined) throw notFound(input.document_id);
    return { document: recordOutput(result.record, { withoutContent: true }), embedding_regenerated: result.embeddingRegenerated };
  },
});
