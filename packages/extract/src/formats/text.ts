// Plain text: decoded as is; the title is left to the caller (a file name says more than a first line of prose).
import { decodeText } from '../text/decode-text.js';
import type { FormatExtractor } from './format-extractor.js';

/** Extracts plain text. Metadata: `encoding`. */
export const extractText: FormatExtractor = async (bytes) => {
  const { text, encoding } = decodeText(bytes);
  return { title: null, content: text, metadata: { encoding } };
};
