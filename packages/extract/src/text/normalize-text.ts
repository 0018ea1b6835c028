// One normalization for every format, so stored text looks the same whatever it came from.

// C0 controls except \t and \n (\r is handled first), DEL, C1 controls, and a stray BOM / zero-width no-break space.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters (to drop them) is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Normalizes extracted text: newlines to \n (also U+2028/U+2029/NEL), control characters removed (\n and \t kept),
 * lone surrogates replaced by U+FFFD, trailing whitespace cut from each line, runs of blank lines collapsed to one,
 * and leading/trailing blank lines and whitespace removed.
 */
export function normalizeText(text: string): string {
  const lines = text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n')
    .replace(CONTROL, '')
    .replace(LONE_SURROGATE, '\ufffd')
    .split('\n');
  // A loop rather than a /[ \t]+$/gm regex: that regex is quadratic on a long run of spaces inside a line.
  const out: string[] = [];
  let blank = false;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === '') {
      blank = out.length > 0;
      continue;
    }
    if (blank) out.push('');
    blank = false;
    out.push(out.length === 0 ? trimmed.trimStart() : trimmed);
  }
  return out.join('\n');
}

/** Normalizes a title to one line; null when nothing is left. */
export function normalizeTitle(title: string | null | undefined): string | null {
  if (title === null || title === undefined) return null;
  const line = normalizeText(title).replace(/\s+/g, ' ').trim();
  return line === '' ? null : line;
}
