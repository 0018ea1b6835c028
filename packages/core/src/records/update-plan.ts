// What an update does to each selected record, checked once before anything is read.
import type { FrameRecord } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';
import { type MetadataFields, type SplitMetadata, splitMetadata } from './metadata-fields.js';

/** The changes asked for, as batch_update and update_document take them. */
export interface UpdateChanges {
  /** Deep-merged into metadata; keys naming record fields set those fields. */
  readonly metadataUpdates?: { readonly [key: string]: unknown } | undefined;
  /** The new content of a record (a rendered template, or literal text). */
  readonly content?: ((record: FrameRecord) => string) | undefined;
  /** Re-embed changed content (default true); alone and true, re-embed everything selected. */
  readonly regenerateEmbeddings?: boolean | undefined;
}

/** A checked update. */
export interface UpdatePlan {
  readonly fields: MetadataFields;
  readonly metadata: { readonly [key: string]: unknown } | undefined;
  readonly content: ((record: FrameRecord) => string) | undefined;
  /** Re-embed changed content (true) or drop its vectors (false). */
  readonly regenerate: boolean;
  /** Re-embed every selected record, changed or not. */
  readonly reembedAll: boolean;
  /** Whether the update may embed anything (so the embedder must fit the dataset). */
  readonly mayEmbed: boolean;
}

/**
 * Checks `changes`; `field` names metadata_updates in error messages (e.g. 'updates.metadata_updates').
 * Throws CoreError INVALID_INPUT for a uuid change or a record field of the wrong type.
 */
export function planUpdates(changes: UpdateChanges, field: string): UpdatePlan {
  const { metadataUpdates, content, regenerateEmbeddings } = changes;
  if (metadataUpdates !== undefined && 'uuid' in metadataUpdates) {
    throw new CoreError('INVALID_INPUT', `${field}.uuid: a record's uuid cannot change; add a new document instead.`, { data: { field: `${field}.uuid` } });
  }
  let split: SplitMetadata | undefined;
  try {
    split = metadataUpdates === undefined ? undefined : splitMetadata(metadataUpdates);
  } catch (error) {
    const core = CoreError.from(error);
    throw new CoreError('INVALID_INPUT', `${field}: ${core.message}`, { data: core.data, cause: error });
  }
  const regenerate = regenerateEmbeddings ?? true;
  const reembedAll = regenerateEmbeddings === true && metadataUpdates === undefined && content === undefined;
  return {
    fields: split?.fields ?? {},
    metadata: split === undefined || Object.keys(split.metadata).length === 0 ? undefined : split.metadata,
    content,
    regenerate,
    reembedAll,
    mayEmbed: reembedAll || (content !== undefined && regenerate),
  };
}
