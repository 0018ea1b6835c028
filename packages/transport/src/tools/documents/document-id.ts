// The `document_id` argument shared by the single-document tools, and the error for one that doesn't exist.
import { UUID_PATTERN } from '@contextframe/core';
import { z } from 'zod';
import { TransportError } from '../../errors/transport-error.js';

/** A record's uuid, as agents pass it. */
export const documentIdSchema = z
  .string()
  .regex(UUID_PATTERN, 'must be a UUID like 0b8f3c1e-2a4d-4f6b-9c7e-1d2f3a4b5c6d')
  .describe("The record's uuid.");

/** NOT_FOUND for a uuid no record has. */
export function notFound(id: string): TransportError {
  return new TransportError('NOT_FOUND', `No record has uuid ${id}; search_documents or list_documents find existing uuids.`, {
    data: { document_id: id },
  });
}
