// get_document: one record by uuid, optionally with its chunks and vector.
import { parseInput } from '@contextframe/core';
import { z } from 'zod';
import { cutText, fitLists, jsonBytes } from '../../results/size-budget.js';
import { GetDocumentOutputSchema } from '../../schema/output-schemas.js';
import { defineTool } from '../tool-spec.js';
import { documentIdSchema, notFound } from './document-id.js';
import { type RecordOutput, recordOutput } from './record-output.js';

const GetDocumentInputSchema = z
  .strictObject({
    document_id: documentIdSchema,
    include_chunks: z.boolean().default(false).describe("Also return the document's chunks, in order."),
    include_embedding: z.boolean().default(false).describe('Also return the stored vectors (long lists of numbers).'),
  })
  .describe('Which record to read.');

interface GetDocumentResult {
  readonly document: RecordOutput;
  readonly chunks?: RecordOutput[];
  readonly truncated?: boolean;
  readonly omitted?: { readonly [field: string]: number };
}

/** get_document: one record by uuid. */
export const getDocument = defineTool<GetDocumentResult>({
  name: 'get_document',
  title: 'Get a document',
  description: () =>
    'Read one record by uuid: content, metadata and every field; include_chunks adds its chunks, include_embedding its vector. Fails with ' +
    'NOT_FOUND for an unknown uuid. A record too large for the response budget comes back with its content cut and truncated: true.\n' +
    'Example: {"document_id": "0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d", "include_chunks": true}',
  input: GetDocumentInputSchema,
  output: GetDocumentOutputSchema,
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  writes: false,
  reportsProgress: false,
  run: async (args, context) => {
    const input = parseInput(GetDocumentInputSchema, args, 'get_document');
    const id = input.document_id.toLowerCase();
    const records = await context.dataset.get([id], { includeEmbedding: input.include_embedding, includeChunks: input.include_chunks });
    const document = records.find((record) => record.uuid === id);
    if (document === undefined) throw notFound(input.document_id);
    const options = { withEmbedding: input.include_embedding };
    const output = recordOutput(document, options);
    if (!input.include_chunks) return { document: output };
    return { document: output, chunks: records.filter((record) => record !== document).map((record) => recordOutput(record, options)) };
  },
  fit: (result, budget) => {
    const fitted = result.chunks === undefined ? result : fitLists(result, ['chunks'], budget);
    const excess = jsonBytes(fitted) - budget;
    if (excess <= 0) return fitted;
    // The document alone is too big: cut its content (JSON escapes make the cut approximate, so cut twice at most).
    let content = fitted.document.content ?? '';
    for (let attempt = 0; attempt < 3 && jsonBytes({ ...fitted, document: { ...fitted.document, content } }) > budget; attempt++) {
      content = cutText(content, jsonBytes({ ...fitted, document: { ...fitted.document, content } }) - budget + 128);
    }
    return { ...fitted, document: { ...fitted.document, content }, truncated: true };
  },
});
