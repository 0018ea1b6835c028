// A record as JSON text: fields in RECORD_FIELDS order, the embedding only when asked, float32 exact.
import type { FrameRecord } from '@contextframe/dataset';
import { IoError } from '../io-error.js';

/**
 * A float32 vector as a JSON array. Each float prints as the shortest text of its double value, which reads
 * back to the same float32; -0 is written "-0" (JSON.stringify would write 0). NaN and ±Infinity have no
 * JSON form: INVALID_RECORD.
 */
export function embeddingJson(vector: Float32Array, uuid: string): string {
  let negativeZero = false;
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i]!;
    if (v === 0) {
      if (1 / v < 0) negativeZero = true;
    } else if (!Number.isFinite(v)) {
      throw new IoError('INVALID_RECORD', `Record ${uuid} has ${v} at position ${i} of its embedding; text formats cannot hold it. Export as Parquet or fix the vector.`, {
        data: { uuid, index: i },
      });
    }
  }
  if (!negativeZero) return `[${vector.join(',')}]`;
  const parts = new Array<string>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const v = vector[i]!;
    parts[i] = v === 0 && 1 / v < 0 ? '-0' : String(v);
  }
  return `[${parts.join(',')}]`;
}

/** One record as a JSON object on one line. Numbers in metadata follow JSON.stringify (so -0 becomes 0). */
export function recordJson(record: FrameRecord, includeEmbeddings: boolean): string {
  const head = JSON.stringify({
    uuid: record.uuid,
    collection: record.collection,
    title: record.title,
    content: record.content,
    context: record.context,
    tags: record.tags,
    metadata: record.metadata,
    record_type: record.record_type,
    parent_id: record.parent_id,
    chunk_index: record.chunk_index,
    source_type: record.source_type,
    source_uri: record.source_uri,
    content_hash: record.content_hash,
  });
  const embedding = includeEmbeddings ? `,"embedding":${record.embedding === null ? 'null' : embeddingJson(record.embedding, record.uuid)}` : '';
  return `${head.slice(0, -1)}${embedding},"created_at":${JSON.stringify(record.created_at)},"updated_at":${JSON.stringify(record.updated_at)}}`;
}
