// A validated input document with its uuid fixed: everything needed to make its records, nothing slow yet.
import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@contextframe/dataset';
import { CoreError } from '../errors/core-error.js';
import type { ItemError } from '../errors/item-error.js';
import { toItemError } from '../errors/item-error.js';
import { issuesOf, describeIssues } from '../input/parse-input.js';
import { asJsonObject, type SplitMetadata, splitMetadata } from '../records/metadata-fields.js';
import { DocumentInputSchema, type IngestSettings } from './document-input.js';

/** A document ready to be chunked and embedded. `index` is its position in the caller's input. */
export interface DocumentDraft {
  readonly index: number;
  readonly uuid: string;
  readonly content: string;
  readonly collection: string | null;
  readonly title: string | null;
  readonly context: string | null;
  readonly tags: readonly string[];
  readonly record_type: string;
  readonly source_type: string | null;
  readonly source_uri: string | null;
  readonly metadata: JsonObject;
}

/** Checks one input document and fixes its uuid; throws CoreError INVALID_INPUT naming the field. */
export function toDocumentDraft(input: unknown, index: number, settings: IngestSettings): DocumentDraft {
  const parsed = DocumentInputSchema.safeParse(input);
  if (!parsed.success) {
    const issues = issuesOf(parsed.error, `documents[${index}]`);
    const hint = parsed.error.issues.some((issue) => issue.code === 'unrecognized_keys')
      ? ' A document has only content and metadata; record fields such as title or tags go in metadata.'
      : '';
    throw new CoreError('INVALID_INPUT', `Document ${index} is invalid: ${describeIssues(issues)}.${hint}`, { data: { item_index: index, issues } });
  }
  let split: SplitMetadata;
  try {
    split = splitMetadata(parsed.data.metadata);
  } catch (error) {
    const core = CoreError.from(error);
    throw new CoreError('INVALID_INPUT', `Document ${index}: ${core.message}`, { data: { item_index: index, ...(core.data as object) }, cause: error });
  }
  const { fields } = split;
  return {
    index,
    uuid: fields.uuid ?? randomUUID(),
    content: parsed.data.content,
    collection: fields.collection !== undefined ? fields.collection : (settings.collection ?? null),
    title: fields.title ?? null,
    context: fields.context ?? null,
    tags: fields.tags ?? [],
    record_type: fields.record_type ?? 'document',
    source_type: fields.source_type ?? null,
    source_uri: fields.source_uri ?? null,
    metadata: asJsonObject(split.metadata),
  };
}

/** Drafts of the valid documents, and an error for each invalid one (a uuid given twice fails the later one). */
export interface ValidatedDocuments {
  readonly drafts: DocumentDraft[];
  readonly errors: ItemError[];
}

/** Validates every input document; cheap, so it runs over the whole batch before any slow work. */
export function validateDocuments(inputs: readonly unknown[], settings: IngestSettings): ValidatedDocuments {
  const drafts: DocumentDraft[] = [];
  const errors: ItemError[] = [];
  const seen = new Map<string, number>();
  inputs.forEach((input, index) => {
    try {
      const draft = toDocumentDraft(input, index, settings);
      const first = seen.get(draft.uuid);
      if (first !== undefined) {
        throw new CoreError('DUPLICATE_ID', `Documents ${first} and ${index} both have uuid ${draft.uuid}; give each document its own uuid.`, {
          data: { item_index: index, uuid: draft.uuid },
        });
      }
      seen.set(draft.uuid, index);
      drafts.push(draft);
    } catch (error) {
      errors.push(toItemError(index, error));
    }
  });
  return { drafts, errors };
}
