// add_document: one document (batch_add with a single document, all or nothing), failing with its own code.
import { batchAdd, CoreError, type CoreErrorCode, DocumentInputSchema, type ItemError, isCoreError, parseInput, SharedSettingsSchema } from '@contextframe/core';
import { AddDocumentOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';

const AddDocumentInputSchema = DocumentInputSchema.extend(SharedSettingsSchema.shape).describe('One document to add.');

interface AddDocumentResult {
  readonly document_id: string;
  readonly chunks_created: number;
  readonly embedded: boolean;
}

/** batch_add reports a one-document failure as TX_ROLLED_BACK; a single add fails with the document's own code. */
function unwrapRollback(error: unknown): unknown {
  if (!isCoreError(error, 'TX_ROLLED_BACK')) return error;
  const first = (error.data as { errors?: ItemError[] } | undefined)?.errors?.[0];
  return first === undefined ? error : new CoreError(first.code as CoreErrorCode, `${first.error} Nothing was written.`, { cause: error });
}

/** add_document: one document, all or nothing. */
export const addDocument = defineTool<AddDocumentResult>({
  name: 'add_document',
  title: 'Add a document',
  description: () =>
    'Add one document: content plus metadata (keys named uuid, collection, title, context, tags, record_type, source_type or source_uri set ' +
    'those record fields; the rest is stored as metadata). It is embedded with the configured embedder unless generate_embeddings is false, ' +
    'and with chunk_size also stored as chunks. To add several documents use batch_add: one call, one transaction, far faster.\n' +
    'Example: {"content": "Meeting notes: ship v2 on Friday", "metadata": {"title": "Standup", "tags": ["meeting"], "team": "core"}, "collection": "notes"}',
  input: AddDocumentInputSchema,
  output: AddDocumentOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  writes: true,
  reportsProgress: false,
  run: async (args, context) => {
    const { content, metadata, ...settings } = parseInput(AddDocumentInputSchema, args, 'add_document');
    try {
      const result = await batchAdd(
        { documents: [metadata === undefined ? { content } : { content, metadata }], shared_settings: settings, atomic: true, max_parallel: 1 },
        context,
      );
      return {
        document_id: result.document_ids[0]!,
        chunks_created: result.chunks_created,
        embedded: settings.generate_embeddings && content.trim() !== '',
      };
    } catch (error) {
      throw unwrapRollback(error);
    }
  },
});
