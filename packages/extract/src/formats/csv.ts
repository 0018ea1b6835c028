// CSV: one document per file; the header and each row become one line, cells separated by a tab.
import { CsvError, parse } from 'csv-parse/sync';
import { ExtractError, describeSource } from '../extract-error.js';
import { decodeText } from '../text/decode-text.js';
import type { FormatExtractor } from './format-extractor.js';

const DELIMITERS = [',', '\t', ';', '|'] as const;

/**
 * Extracts CSV (and TSV): the first row and every data row as one line each, cells joined by a tab (a comma would be
 * ambiguous when cells hold commas) and newlines inside cells turned into spaces; rows with no text are skipped. The
 * delimiter is `\t` for a .tsv name, else the most frequent of `, \t ; |` on the first line. Metadata: `columns`
 * (the first row's cells), `rows` (data rows after the first), `delimiter`. An unclosed quote is EXTRACT_FAILED
 * naming the line.
 */
export const extractCsv: FormatExtractor = async (bytes, context) => {
  const { text } = decodeText(bytes);
  const delimiter = /\.tsv$/i.test(context.name ?? '') ? '\t' : sniffDelimiter(text);
  let rows: string[][];
  try {
    rows = parse(text, { delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, bom: true });
  } catch (error) {
    const line = error instanceof CsvError ? (error as CsvError & { lines?: number }).lines : undefined;
    throw new ExtractError(
      'EXTRACT_FAILED',
      `${describeSource(context.name)} is not valid CSV${line === undefined ? '' : ` near line ${line}`} (${(error as Error).message}). Close the quoted field or pass format "text" to index it as plain text.`,
      { data: { ...(context.name === undefined ? {} : { name: context.name }), ...(line === undefined ? {} : { line }) }, cause: error },
    );
  }
  const lines: string[] = [];
  let chars = 0;
  let truncated = false;
  for (const row of rows) {
    const cells = row.map((cell) => cell.replace(/\s*[\r\n]+\s*/g, ' ').trim());
    if (cells.every((cell) => cell === '')) continue;
    if (chars >= context.maxChars) {
      truncated = true;
      break;
    }
    const line = cells.join('\t');
    lines.push(line);
    chars += line.length + 1;
  }
  return {
    title: null,
    content: lines.join('\n'),
    metadata: {
      columns: (rows[0] ?? []).map((cell) => cell.trim()),
      rows: Math.max(0, rows.length - 1),
      delimiter,
      ...(truncated ? { truncated: true } : {}),
    },
  };
};

// Counts each candidate on the first line, outside double quotes.
function sniffDelimiter(text: string): string {
  const counts = new Map<string, number>();
  let quoted = false;
  for (let i = 0; i < text.length && i < 64 * 1024; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best: string = ',';
  let bestCount = 0;
  for (const candidate of DELIMITERS) {
    const count = counts.get(candidate) ?? 0;
    if (count > bestCount) {
      best = candidate;
      bestCount = count;
    }
  }
  return best;
}
