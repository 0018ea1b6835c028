// The Enhancer interface: what batch_enhance asks of anything that writes titles, tags, context and facts.
import type { JsonObject } from '@contextframe/dataset';

/** The enhancements batch_enhance can ask for. */
export const ENHANCEMENTS = ['context', 'tags', 'title', 'metadata'] as const;

/** One kind of enhancement: `context` (2-3 sentences), `tags`, `title`, or `metadata` (flat key facts). */
export type Enhancement = (typeof ENHANCEMENTS)[number];

/** The parts of a record an enhancer reads. */
export interface EnhanceDocument {
  readonly uuid: string;
  readonly title: string | null;
  readonly content: string;
  readonly tags: readonly string[];
  readonly metadata: JsonObject;
  readonly collection: string | null;
}

/** One document and the enhancements wanted for it. */
export interface EnhanceRequest {
  readonly document: EnhanceDocument;
  readonly enhancements: readonly Enhancement[];
}

/** The value of one fact: flat, so it can be filtered on as `metadata.key`. */
export type FactValue = string | number | boolean | readonly (string | number | boolean)[];

/** Key facts about a document, e.g. `{ language: 'en', word_count: 120 }`. */
export type Facts = { readonly [key: string]: FactValue };

/** The values an enhancer produced for one document; only enhancements that succeeded are present. */
export interface EnhancementValues {
  readonly context?: string;
  readonly tags?: readonly string[];
  readonly title?: string;
  readonly metadata?: Facts;
}

/** Why one enhancement of one document failed; `error` says what to do about it. */
export interface EnhancementError {
  readonly enhancement: Enhancement;
  readonly error: string;
}

/** What one request came to: a value or an error for each requested enhancement. */
export interface EnhanceOutcome {
  readonly values: EnhancementValues;
  readonly errors: readonly EnhancementError[];
}

export interface EnhanceOptions {
  /** What the documents are being enhanced for; shapes the context and which tags win. */
  readonly purpose?: string;
  readonly signal?: AbortSignal;
}

/**
 * Produces enhancements for documents. `enhance` returns one outcome per request, in order; a document the
 * enhancer could not handle gets errors, not a throw. It throws only when the whole call fails: CoreError
 * ENHANCER_FAILED (e.g. the provider kept failing; `retryable` when repeating may help) or CANCELLED.
 */
export interface Enhancer {
  /** Names the enhancer and its model, e.g. `extractive` or `openai-chat:gpt-4o-mini`. */
  readonly id: string;
  enhance(requests: readonly EnhanceRequest[], options?: EnhanceOptions): Promise<EnhanceOutcome[]>;
}
