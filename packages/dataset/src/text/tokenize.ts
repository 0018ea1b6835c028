// The one tokenizer of contextframe: BM25 indexing, BM25 queries and the hash embedder all split text here.

const TOKEN = /[\p{L}\p{N}]+/gu;

/**
 * Splits text into terms: Unicode NFKC, lower-case, runs of letters and digits (`\p{L}`, `\p{N}`).
 * No stopwords are removed and no stemming is applied: BM25's IDF already discounts common words, and
 * stemming is language-specific where the corpus is not.
 */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
}
