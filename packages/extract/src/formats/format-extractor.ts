// What each format module provides: bytes in, title/content/metadata out, before the shared normalization.

/** What a format module returns; extractInline normalizes, bounds and checks it. */
export interface RawExtraction {
  readonly title: string | null;
  readonly content: string;
  readonly metadata: Record<string, unknown>;
}

/** Context a format module may use: the source name for messages, the signal to check between steps, and a budget. */
export interface FormatContext {
  readonly name: string | undefined;
  readonly signal: AbortSignal | undefined;
  /**
   * Content characters wanted at most. A module whose output can outgrow its input (JSON key paths) stops there and
   * sets `metadata.truncated`; extractInline cuts everything else.
   */
  readonly maxChars: number;
}

/** One format's extraction. Throws ExtractError for problems it recognises; anything else becomes EXTRACT_FAILED. */
export type FormatExtractor = (bytes: Uint8Array, context: FormatContext) => Promise<RawExtraction>;
