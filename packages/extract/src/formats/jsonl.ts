// JSONL: one document per file; each line's string values, the lines' blocks separated by a blank line.
import { ExtractError, describeSource } from '../extract-error.js';
import { decodeText } from '../text/decode-text.js';
import type { FormatExtractor } from './format-extractor.js';
import { jsonText } from './json-text.js';

/**
 * Extracts JSON Lines: for each non-blank line, its string values as `path: value` lines (see JSON); one blank line
 * between records. Metadata: `records`, `text_fields`. A line that is not JSON is EXTRACT_FAILED naming the line
 * (1-based; blank lines keep their numbers) in the message and in `data.line`.
 */
export const extractJsonl: FormatExtractor = async (bytes, context) => {
  const { text } = decodeText(bytes);
  const lines = text.split(/\r?\n/);
  const blocks: string[] = [];
  let records = 0;
  let fields = 0;
  let chars = 0;
  let truncated = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new ExtractError(
        'EXTRACT_FAILED',
        `Line ${i + 1} of ${describeSource(context.name)} is not valid JSON (${(error as Error).message}). Fix that line; JSONL needs one complete JSON value per line.`,
        { data: { ...(context.name === undefined ? {} : { name: context.name }), line: i + 1 }, cause: error },
      );
    }
    records++;
    // Once the budget is spent the remaining lines are still parsed, so a broken line is reported all the same.
    if (truncated) continue;
    const found = jsonText(value, Math.max(0, context.maxChars - chars));
    fields += found.fields;
    if (found.lines.length > 0) {
      const block = found.lines.join('\n');
      blocks.push(block);
      chars += block.length + 2;
    }
    truncated = found.truncated;
  }
  return {
    title: null,
    content: blocks.join('\n\n'),
    metadata: { records, text_fields: fields, ...(truncated ? { truncated: true } : {}) },
  };
};
