// JSON: one document per file; its string values become the content, one "key.path: value" line each.
import { ExtractError, describeSource } from '../extract-error.js';
import { decodeText } from '../text/decode-text.js';
import type { FormatExtractor } from './format-extractor.js';
import { jsonText, jsonTitle } from './json-text.js';

/**
 * Extracts JSON: every non-empty string value as a `path: value` line, depth-first in key order. Title: the
 * top-level `title`, `name`, `headline` or `subject` string. Metadata: `text_fields` (strings taken).
 * Invalid JSON is EXTRACT_FAILED with the parser's message.
 */
export const extractJson: FormatExtractor = async (bytes, context) => {
  const { text } = decodeText(bytes);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ExtractError(
      'EXTRACT_FAILED',
      `${describeSource(context.name)} is not valid JSON (${(error as Error).message}). Fix the file, or pass format "jsonl" if it holds one JSON value per line.`,
      { data: context.name === undefined ? {} : { name: context.name }, cause: error },
    );
  }
  const found = jsonText(value, context.maxChars);
  return {
    title: jsonTitle(value),
    content: found.lines.join('\n'),
    metadata: { text_fields: found.fields, ...(found.truncated ? { truncated: true } : {}) },
  };
};
