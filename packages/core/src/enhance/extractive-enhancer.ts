// The built-in enhancer: titles, tags, context and facts taken from the text itself, with no model and no network.
import { type TermStatistics, tokenize } from '@contextframe/dataset';
import { z } from 'zod';
import { CoreError } from '../errors/core-error.js';
import { throwIfCancelled } from '../engine/cancellation.js';
import type { EnhanceOptions, EnhanceOutcome, EnhanceRequest, Enhancer, EnhancementError, EnhancementValues, Facts } from './enhancer.js';
import { guessLanguage, STOPWORDS } from './language-guess.js';
import { findDates, findUrls, withoutUrls } from './text-facts.js';
import { outlineText, type TextOutline } from './text-outline.js';

/** Where document frequencies come from; a FrameDataset (or a reader or transaction of one) is one. */
export interface TermStatisticsSource {
  termStatistics(terms: readonly string[]): Promise<TermStatistics>;
}

/** Options for {@link ExtractiveEnhancer}; validated once, in the constructor. */
export interface ExtractiveEnhancerOptions {
  /** The corpus tags are weighed against, usually the dataset being enhanced. Without it tags rank by frequency alone. */
  readonly statistics?: TermStatisticsSource;
  /** Most tags per document, 1 to 20. Default 5. */
  readonly maxTags?: number;
  /** Longest context in characters, 100 to 2000. Default 400. */
  readonly maxContextChars?: number;
  /** Longest title in characters, 20 to 300. Default 100. */
  readonly maxTitleChars?: number;
}

const optionsSchema = z.strictObject({
  statistics: z
    .custom<TermStatisticsSource>((value) => typeof (value as TermStatisticsSource | undefined)?.termStatistics === 'function', {
      error: 'must have a termStatistics(terms) method, e.g. a FrameDataset',
    })
    .optional(),
  maxTags: z.int().min(1).max(20).default(5),
  maxContextChars: z.int().min(100).max(2_000).default(400),
  maxTitleChars: z.int().min(20).max(300).default(100),
});

type Settings = z.output<typeof optionsSchema>;

/** Sentences considered for the context: the document's lead says what it is about. */
const LEAD_SENTENCES = 12;
const MIN_CONTEXT_SENTENCES = 2;
const MAX_CONTEXT_SENTENCES = 3;
/** Score factor for terms the purpose names. */
const PURPOSE_BOOST = 2;
/** Shortest token (in characters) that may be a tag. */
const MIN_TAG_LENGTH = 3;
/** Most dates and most URLs listed in the facts (the first ones found). */
const MAX_LISTED = 10;

/** One candidate tag term of a document. */
interface Term {
  readonly term: string;
  readonly tf: number;
  /** Position of its first occurrence, to break ties toward the document's start. */
  readonly first: number;
}

interface Analysis {
  readonly outline: TextOutline;
  readonly tokens: readonly string[];
  readonly language: string;
  readonly terms: readonly Term[];
}

function analyse(content: string): Analysis {
  const outline = outlineText(content);
  const tokens = tokenize(content);
  const language = guessLanguage(tokens);
  const stopwords = new Set([...STOPWORDS.en!, ...(STOPWORDS[language] ?? [])]);
  const terms = new Map<string, { tf: number; first: number }>();
  tokenize(withoutUrls(outline.prose)).forEach((token, position) => {
    if ([...token].length < MIN_TAG_LENGTH || !/\p{L}/u.test(token) || stopwords.has(token)) return;
    const entry = terms.get(token);
    if (entry === undefined) terms.set(token, { tf: 1, first: position });
    else entry.tf++;
  });
  return { outline, tokens, language, terms: [...terms].map(([term, { tf, first }]) => ({ term, tf, first })) };
}

/** `text` cut at a word boundary to at most `max` characters, ending in `…` when cut. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, '')}…`;
}

/**
 * Extracts enhancements from each document's own text; deterministic, local and fast:
 * - title: the leading Markdown heading (`#` or underlined), else a short first line (at most 80 characters,
 *   not ending like a sentence), else the first sentence; trailing `.,;:` dropped, cut at `maxTitleChars`.
 * - tags: the `maxTags` terms with the highest TF-IDF, tf counted in the prose (headings and text; not code,
 *   tables or URLs) and idf = ln(1 + (N − df + 0.5) / (df + 0.5)) from the statistics' document count N and
 *   document frequencies df. Stopwords (English and the guessed language), tokens shorter than 3 characters
 *   and tokens without a letter never become tags. Ties go to the term that occurs first.
 * - context: 2-3 of the first 12 prose sentences (fewer if the text has fewer), chosen greedily by how much
 *   weight of the tags (and purpose terms) each adds that earlier choices did not cover, topped up with the
 *   earliest sentences to reach 2, kept in document order, at most `maxContextChars`.
 * - metadata: `language` (ISO 639-1 guess from stopwords, or `und`), `word_count`, and when found `dates`
 *   (ISO `YYYY-MM-DD`) and `urls`, the first 10 distinct of each.
 * A purpose biases the tags and the context: its terms score twice as high when the document has them.
 */
export class ExtractiveEnhancer implements Enhancer {
  readonly id = 'extractive';
  readonly #settings: Settings;

  constructor(options: ExtractiveEnhancerOptions = {}) {
    const parsed = optionsSchema.safeParse(options);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`);
      throw new CoreError('INVALID_INPUT', `Invalid ExtractiveEnhancer options: ${problems.join('; ')}.`, { data: { issues: problems } });
    }
    this.#settings = parsed.data;
  }

  /** Enhances each document from its own text; see the class comment. Reads term statistics once per call. */
  async enhance(requests: readonly EnhanceRequest[], options: EnhanceOptions = {}): Promise<EnhanceOutcome[]> {
    const { signal } = options;
    throwIfCancelled(signal);
    const analyses = requests.map((request) => analyse(request.document.content));
    const needsTerms = (request: EnhanceRequest): boolean => request.enhancements.includes('tags') || request.enhancements.includes('context');
    const wanted = new Set(analyses.flatMap((analysis, i) => (needsTerms(requests[i]!) ? analysis.terms.map((t) => t.term) : [])));
    const statistics = wanted.size > 0 && this.#settings.statistics !== undefined ? await this.#settings.statistics.termStatistics([...wanted]) : undefined;
    throwIfCancelled(signal);
    const purpose = new Set(tokenize(options.purpose ?? ''));
    return requests.map((request, i) => {
      throwIfCancelled(signal);
      return this.#enhanceOne(request, analyses[i]!, statistics, purpose);
    });
  }

  #enhanceOne(request: EnhanceRequest, analysis: Analysis, statistics: TermStatistics | undefined, purpose: ReadonlySet<string>): EnhanceOutcome {
    const values: { -readonly [K in keyof EnhancementValues]: EnhancementValues[K] } = {};
    const errors: EnhancementError[] = [];
    const ranked = this.#rank(analysis.terms, statistics, purpose);
    const tags = ranked.slice(0, this.#settings.maxTags);
    for (const enhancement of request.enhancements) {
      switch (enhancement) {
        case 'title': {
          const { leadingHeading, leadingLine, sentences } = analysis.outline;
          const source = leadingHeading ?? leadingLine ?? sentences[0];
          if (source === undefined) {
            errors.push({ enhancement, error: 'title: the content has no heading, line or sentence to take a title from; set the title with batch_update instead.' });
          } else {
            values.title = clip(source.replace(/[.,;:]+$/, ''), this.#settings.maxTitleChars);
          }
          break;
        }
        case 'tags':
          if (tags.length === 0) {
            errors.push({
              enhancement,
              error: 'tags: the content has no words to take tags from (only stopwords, numbers or tokens shorter than 3 characters); set tags with batch_update instead.',
            });
          } else {
            values.tags = tags.map((entry) => entry.term);
          }
          break;
        case 'context': {
          const weights = new Map(tags.map((entry) => [entry.term, entry.score]));
          for (const entry of ranked) if (purpose.has(entry.term)) weights.set(entry.term, entry.score);
          const context = this.#context(analysis.outline.sentences, weights);
          if (context === undefined) {
            errors.push({ enhancement, error: 'context: the content has no prose sentences to take a context from; set the context with batch_update instead.' });
          } else {
            values.context = context;
          }
          break;
        }
        case 'metadata':
          values.metadata = facts(request.document.content, analysis);
          break;
      }
    }
    return { values, errors };
  }

  /** Candidate terms by score (TF-IDF, purpose terms boosted), ties by first occurrence. */
  #rank(terms: readonly Term[], statistics: TermStatistics | undefined, purpose: ReadonlySet<string>): { term: string; score: number }[] {
    const n = statistics?.documents ?? 0;
    return terms
      .map((entry) => {
        const df = statistics?.documentFrequency.get(entry.term) ?? 0;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        return { ...entry, score: entry.tf * idf * (purpose.has(entry.term) ? PURPOSE_BOOST : 1) };
      })
      .sort((a, b) => b.score - a.score || a.first - b.first);
  }

  /** 2-3 lead sentences that best cover the weighted terms, in document order; undefined without sentences. */
  #context(all: readonly string[], weights: ReadonlyMap<string, number>): string | undefined {
    const max = this.#settings.maxContextChars;
    const sentences = all.slice(0, LEAD_SENTENCES).map((text) => ({ text, terms: new Set(tokenize(text)) }));
    if (sentences.length === 0) return undefined;
    const chosen: number[] = [];
    const covered = new Set<string>();
    let length = 0;
    const fits = (i: number): boolean => chosen.length === 0 || length + 1 + sentences[i]!.text.length <= max;
    const choose = (i: number): void => {
      chosen.push(i);
      length += (chosen.length > 1 ? 1 : 0) + sentences[i]!.text.length;
      for (const term of sentences[i]!.terms) covered.add(term);
    };
    while (chosen.length < MAX_CONTEXT_SENTENCES) {
      let best = -1;
      let bestGain = 0;
      sentences.forEach((sentence, i) => {
        if (chosen.includes(i) || !fits(i)) return;
        let gain = 0;
        for (const term of sentence.terms) if (!covered.has(term)) gain += weights.get(term) ?? 0;
        if (gain > bestGain) {
          best = i;
          bestGain = gain;
        }
      });
      if (best === -1) break;
      choose(best);
    }
    // Too few sentences carry tag terms: the lead fills up to the minimum.
    for (let i = 0; i < sentences.length && chosen.length < MIN_CONTEXT_SENTENCES; i++) if (!chosen.includes(i) && fits(i)) choose(i);
    return clip(
      chosen
        .sort((a, b) => a - b)
        .map((i) => sentences[i]!.text)
        .join(' '),
      max,
    );
  }
}

function facts(content: string, analysis: Analysis): Facts {
  const dates = findDates(content, MAX_LISTED);
  const urls = findUrls(content, MAX_LISTED);
  return {
    language: analysis.language,
    word_count: analysis.tokens.length,
    ...(dates.length === 0 ? {} : { dates }),
    ...(urls.length === 0 ? {} : { urls }),
  };
}
