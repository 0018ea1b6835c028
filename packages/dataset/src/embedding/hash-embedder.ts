// The built-in offline embedder: signed feature hashing of words, word pairs and character trigrams.
import { DatasetError } from '../errors.js';
import { tokenize } from '../text/tokenize.js';
import { throwIfAborted } from './abort.js';
import type { EmbedOptions, Embedder } from './embedder.js';
import { murmur3 } from './murmur3.js';

/** Options for {@link HashEmbedder}. */
export interface HashEmbedderOptions {
  /** Vector length; an integer from 1 to 65536. Default 384. */
  readonly dimensions?: number;
}

// Changing anything below (or the hash, or the features) changes every vector: bump the version in the id.
const DEFAULT_DIMENSIONS = 384;
const MAX_DIMENSIONS = 65_536;
const WORD_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
// A word's trigrams share this weight (each gets NGRAM_WEIGHT / sqrt(count)), so long words don't drown short ones.
const NGRAM_WEIGHT = 0.75;

const encoder = new TextEncoder();
const W = 0x77; // 'w'
const B = 0x62; // 'b'
const C = 0x63; // 'c'
const COLON = 0x3a;
const SPACE = 0x20;
const LT = 0x3c;
const GT = 0x3e;

/**
 * A deterministic, offline embedder that needs no model file. It captures LEXICAL overlap, not meaning:
 * texts that share words, word pairs or word fragments come out similar; synonyms and paraphrases don't.
 * Use it for tests, offline work and keyword-like similarity; for semantic search configure
 * {@link OpenAIEmbedder} against OpenAI, Ollama, vLLM, LM Studio or TEI (see docs/embeddings.md).
 *
 * Design (version 1, which the id `hash-v1-<dimensions>` names): the text is split by the shared `tokenize`
 * (NFKC, lower-case, runs of letters and digits). Every feature below is hashed with MurmurHash3_x86_32
 * (seed 0) over its UTF-8 bytes; the hash modulo `dimensions` picks the component and its top bit the sign
 * (+ when 0), and the signed weight is added:
 * - each word `t` as `w:t`, weight 1;
 * - each pair of neighbouring words as `b:t1 t2`, weight 0.5;
 * - each trigram of code points of `<t>` as `c:` + trigram; a word of k code points has k of them, each
 *   weighted 0.75/√k.
 * The sum is divided by its L2 norm. Only IEEE-exact arithmetic is used (+, ×, ÷, √), so vectors are
 * bit-identical on every platform and run. A text with no letters or digits (e.g. `""`) gets the zero vector:
 * DuckDB's `array_cosine_similarity` gives -1 against it (not NaN) and `array_inner_product` gives 0, so such
 * texts rank last.
 */
export class HashEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  #scratch = new Uint8Array(256);
  readonly #sums: Float64Array;

  constructor(options: HashEmbedderOptions = {}) {
    const dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
    if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > MAX_DIMENSIONS) {
      throw new DatasetError(
        'INVALID_ARGUMENT',
        `HashEmbedder dimensions must be an integer from 1 to ${MAX_DIMENSIONS}; got ${String(dimensions)}.`,
        { data: { dimensions } },
      );
    }
    this.dimensions = dimensions;
    this.id = `hash-v1-${dimensions}`;
    this.#sums = new Float64Array(dimensions);
  }

  /** Embeds each text in turn; checks the signal between texts. */
  async embed(texts: readonly string[], options: EmbedOptions = {}): Promise<Float32Array[]> {
    const vectors: Float32Array[] = [];
    for (const text of texts) {
      throwIfAborted(options.signal);
      vectors.push(this.embedText(text));
    }
    return vectors;
  }

  /** Embeds one text synchronously (the same vector `embed` returns for it). */
  embedText(text: string): Float32Array {
    const sums = this.#sums;
    sums.fill(0);
    const words = tokenize(text).map((word) => encoder.encode(word));
    let previous: Uint8Array | undefined;
    for (const word of words) {
      this.#add(this.#feature(W, word), WORD_WEIGHT);
      if (previous !== undefined) this.#add(this.#feature(B, previous, word), BIGRAM_WEIGHT);
      this.#addTrigrams(word);
      previous = word;
    }
    let squares = 0;
    for (let i = 0; i < sums.length; i++) squares += sums[i]! * sums[i]!;
    const vector = new Float32Array(this.dimensions);
    if (squares === 0) return vector;
    const norm = Math.sqrt(squares);
    for (let i = 0; i < sums.length; i++) vector[i] = sums[i]! / norm;
    return vector;
  }

  #add(length: number, weight: number): void {
    const hash = murmur3(this.#scratch, length, 0);
    this.#sums[hash % this.dimensions]! += hash & 0x8000_0000 ? -weight : weight;
  }

  // Writes `<tag>:<first>[ <second>]` into the scratch buffer and returns its length.
  #feature(tag: number, first: Uint8Array, second?: Uint8Array): number {
    const length = 2 + first.length + (second === undefined ? 0 : 1 + second.length);
    const buffer = this.#reserve(length);
    buffer[0] = tag;
    buffer[1] = COLON;
    buffer.set(first, 2);
    if (second !== undefined) {
      buffer[2 + first.length] = SPACE;
      buffer.set(second, 3 + first.length);
    }
    return length;
  }

  #addTrigrams(word: Uint8Array): void {
    // Byte offsets where each code point of `<word>` starts, plus the end.
    const starts = [0];
    for (let i = 0; i < word.length; i++) if ((word[i]! & 0xc0) !== 0x80) starts.push(i + 1);
    starts.push(word.length + 1, word.length + 2);
    const padded = new Uint8Array(word.length + 2);
    padded[0] = LT;
    padded.set(word, 1);
    padded[word.length + 1] = GT;
    const count = starts.length - 3; // code points of `<word>` minus 2
    const weight = NGRAM_WEIGHT / Math.sqrt(count);
    for (let i = 0; i < count; i++) {
      const from = starts[i]!;
      const to = starts[i + 3]!;
      const buffer = this.#reserve(2 + to - from);
      buffer[0] = C;
      buffer[1] = COLON;
      buffer.set(padded.subarray(from, to), 2);
      this.#add(2 + to - from, weight);
    }
  }

  #reserve(length: number): Uint8Array {
    if (this.#scratch.length < length) this.#scratch = new Uint8Array(Math.max(length, this.#scratch.length * 2));
    return this.#scratch;
  }
}
