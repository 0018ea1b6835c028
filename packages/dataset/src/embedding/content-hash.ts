// The content hash shared by the embedding cache and the store's `content_hash` field.
import { createHash } from 'node:crypto';

/**
 * SHA-256 of the text's UTF-8 bytes, as 64 lower-case hex digits. The text is hashed exactly as given (no
 * normalization), so texts that differ in any character embed and store separately.
 */
export function contentHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
