// A fallback title for formats without one of their own: the document's first line of text.

const MAX_TITLE_CHARS = 200;

/** The first non-blank line of `content`, trimmed, cut to 200 characters; null when there is none. */
export function firstLine(content: string): string | null {
  let start = 0;
  while (start <= content.length) {
    const end = content.indexOf('\n', start);
    const line = content.slice(start, end === -1 ? content.length : end).trim();
    if (line !== '') return line.length > MAX_TITLE_CHARS ? line.slice(0, MAX_TITLE_CHARS) : line;
    if (end === -1) return null;
    start = end + 1;
  }
  return null;
}
