// update_document: new content and/or merged metadata for one record, re-embedding changed content.
import { checkEmbedderFits, CoreError, mergeMetadata, parseInput, splitMetadata } from '@contextframe/core';
import type { RecordPatch } from '@contextframe/dataset';
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

/** update_document: new content and/or merged metadata for one record. */
export const updateDocument = defineTool<UpdateDocumentResult>({
  name: 'update_document',
  title: 'Update a document',
  description: () =>
    'Change one record: give content (replaced, and embedded again unless regenerate_embeddings is false) and/or metadata_updates ' +
    "(deep-merged into its metadata; null removes a key; keys like title or tags set those fields). Returns the updated record without " +
    'its content. Fails with NOT_FOUND for an unknown uuid, and with TX_CONFLICT (retryable) when the record changed meanwhile. For many ' +
    'records use batch_update.\n' +
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
    if (input.metadata_updates !== undefined && 'uuid' in input.metadata_updates) {
      throw new CoreError('INVALID_INPUT', "metadata_updates.uuid: a record's uuid cannot change; add a new document instead.", {
        data: { field: 'metadata_updates.uuid' },
      });
    }
    const split = input.metadata_updates === undefined ? undefined : splitMetadata(input.metadata_updates);
    const { dataset, embedder, signal } = context;
    const id = input.document_id.toLowerCase();
    const [current] = await dataset.get([id], { includeEmbedding: false });
    if (current === undefined) throw notFound(input.document_id);

    const changed = input.content !== undefined && input.content !== current.content;
    let embedding: Float32Array | null | undefined;
    // Slow work (embedding) happens before the write transaction opens.
    if (changed && input.regenerate_embeddings && input.content!.trim() !== '') {
      checkEmbedderFits(dataset.embeddingInfo, embedder);
      [embedding] = await embedder.embed([input.content!], signal === undefined ? {} : { signal });
    } else if (changed) {
      embedding = null;
    }
    const patch: RecordPatch = {
      ...split?.fields,
      ...(split === undefined || Object.keys(split.metadata).length === 0 ? {} : { metadata: mergeMetadata(current.metadata, split.metadata) }),
      ...(changed ? { content: input.content } : {}),
      ...(embedding === undefined ? {} : { embedding }),
    };
    const updated = await dataset.transaction(
      async (tx) => {
        const [now] = await tx.get([id], { includeEmbedding: false });
        if (now === undefined) throw notFound(input.document_id);
        // The merge was computed from what was read; refuse to overwrite a newer version.
        if (now.updated_at !== current.updated_at) {
          throw new CoreError('TX_CONFLICT', `Record ${id} changed while the update was being prepared; nothing was changed. Call again.`, { retryable: true });
        }
        await tx.update([{ uuid: id, patch }], embedding instanceof Float32Array ? { embeddingModel: embedder.id } : {});
        return (await tx.get([id], { includeEmbedding: false }))[0]!;
      },
      signal === undefined ? {} : { signal },
    );
    return { document: recordOutput(updated, { withoutContent: true }), embedding_regenerated: embedding instanceof Float32Array };
  },
});
