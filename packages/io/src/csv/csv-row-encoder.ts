// Encodes records as CSV rows: one column per record field, tags and metadata as JSON text, and the null
// convention the reader expects (null → nothing; empty string → "").
import { type FrameRecord, RECORD_FIELDS, type RecordField } from '@contextframe/dataset';
import { embeddingJson } from '../json/record-json.js';
import type { CsvDialect } from './csv-dialect.js';

function escapeForClass(char: string): string {
  return char.replace(/[\\\]^-]/g, '\\$&');
}

/** Turns records into CSV text for one dialect. */
export class CsvRowEncoder {
  /** The columns, in RECORD_FIELDS order; `embedding` only when embeddings are written. */
  readonly columns: readonly RecordField[];
  readonly #quote: string;
  readonly #doubled: string;
  readonly #delimiter: string;
  readonly #needsQuotes: RegExp;
  readonly #includeEmbeddings: boolean;

  constructor(dialect: CsvDialect, includeEmbeddings: boolean) {
    this.#quote = dialect.quote;
    this.#doubled = dialect.quote + dialect.quote;
    this.#delimiter = dialect.delimiter;
    this.#needsQuotes = new RegExp(`[${escapeForClass(dialect.delimiter)}${escapeForClass(dialect.quote)}\\r\\n]`);
    this.#includeEmbeddings = includeEmbeddings;
    this.columns = RECORD_FIELDS.filter((field) => includeEmbeddings || field !== 'embedding');
  }

  /** The header line, with its line break. */
  header(): string {
    return `${this.columns.map((column) => this.#field(column)).join(this.#delimiter)}\n`;
  }

  /** One record's line, with its line break. */
  row(record: FrameRecord): string {
    const d = this.#delimiter;
    let line =
      this.#field(record.uuid) + d +
      this.#nullable(record.collection) + d +
      this.#nullable(record.title) + d +
      this.#field(record.content) + d +
      this.#nullable(record.context) + d +
      this.#field(JSON.stringify(record.tags)) + d +
      this.#field(JSON.stringify(record.metadata)) + d +
      this.#field(record.record_type) + d +
      this.#nullable(record.parent_id) + d +
      (record.chunk_index === null ? '' : this.#field(String(record.chunk_index))) + d +
      this.#nullable(record.source_type) + d +
      this.#nullable(record.source_uri) + d +
      this.#nullable(record.content_hash) + d;
    if (this.#includeEmbeddings) line += (record.embedding === null ? '' : this.#field(embeddingJson(record.embedding, record.uuid))) + d;
    line += `${this.#field(record.created_at)}${d}${this.#field(record.updated_at)}\n`;
    return line;
  }

  #nullable(value: string | null): string {
    return value === null ? '' : this.#field(value);
  }

  #field(value: string): string {
    if (value === '') return this.#doubled;
    if (!this.#needsQuotes.test(value)) return value;
    return this.#quote + value.replaceAll(this.#quote, this.#doubled) + this.#quote;
  }
}
