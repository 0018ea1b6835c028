// One document as agents send it: content, plus metadata whose record-field keys fill those fields.
import { z } from 'zod';
import { METADATA_FIELD_KEYS } from '../records/metadata-fields.js';

/** The zod schema of one input document. */
export const DocumentInputSchema = z
  .strictObject({
    content: z.string().describe('The document text.'),
    metadata: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        `Metadata. Keys that name record fields (${METADATA_FIELD_KEYS.join(', ')}) set those fields; the rest is stored as metadata. ` +
          'A given uuid must not exist yet; without one a new uuid is made.',
      ),
  })
  .describe('One document to add.');

export type DocumentInput = z.input<typeof DocumentInputSchema>;

/** How documents are turned into records. */
export interface IngestSettings {
  /** Embed documents (and chunks) with the context's embedder. */
  readonly generateEmbeddings: boolean;
  /** Collection for documents whose metadata names none. */
  readonly collection?: string | undefined;
  /** When set, each document is also stored as chunks of at most this many characters. */
  readonly chunkSize?: number | undefined;
  /** Characters repeated between neighbouring chunks (default 0). */
  readonly chunkOverlap?: number | undefined;
}
