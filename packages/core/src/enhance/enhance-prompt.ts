// The chat prompt that asks a model for enhancements of several documents at once, as one JSON object.
import { ENHANCEMENT_LIMITS, RESERVED_FACT_KEYS } from './check-enhancement.js';
import { ENHANCEMENTS, type Enhancement, type EnhanceRequest } from './enhancer.js';

/** The messages of one request, and the id each document goes by in it (`d1`, `d2`, ... in request order). */
export interface EnhancePrompt {
  readonly system: string;
  readonly user: string;
  readonly ids: readonly string[];
}

export interface EnhancePromptOptions {
  readonly purpose?: string;
  /** Longest document content shown; longer content is cut there and the prompt says so. */
  readonly maxDocumentChars: number;
}

const SYSTEM =
  'You write retrieval metadata for documents in a dataset that AI agents search. Read every document, then reply with a ' +
  'single JSON object in exactly the shape the user asks for: no prose, no Markdown, no comments.';

const INSTRUCTIONS: { readonly [E in Enhancement]: (purpose: string) => string } = {
  context: (purpose) => `"context": 2-3 sentences saying what the document covers and why it matters ${purpose}.`,
  tags: () => '"tags": 3 to 8 short lower-case tags naming the topics, technologies and concepts the document is about.',
  title: () => '"title": a descriptive title of at most 12 words that tells the document apart from similar ones.',
  metadata: () =>
    '"metadata": key facts the document states, as a flat JSON object with snake_case keys and values that are strings, ' +
    'numbers, booleans or lists of strings (e.g. "author", "version", "published": "YYYY-MM-DD", "products"); no nested ' +
    `objects, no guesses, {} when there are none. Never use these keys: ${[...RESERVED_FACT_KEYS].sort().join(', ')}.`,
};

const SHAPE: { readonly [E in Enhancement]: string } = {
  context: '"context": "..."',
  tags: '"tags": ["...", "..."]',
  title: '"title": "..."',
  metadata: '"metadata": {"key": "value"}',
};

// Cuts before `max`, never between the two halves of a surrogate pair.
function cut(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

// The document's text may not end the block it sits in.
function escapeBlock(text: string): string {
  return text.replace(/<\/document>/gi, '<\\/document>');
}

/**
 * Builds the prompt for `requests`: the purpose, what each field must hold, the exact JSON shape
 * `{"documents": {"d1": {...}, "d2": {...}}}`, then each document (title, collection, tags, which fields it
 * needs, and its content cut to `maxDocumentChars` with a note saying how much was shown).
 */
export function buildEnhancePrompt(requests: readonly EnhanceRequest[], options: EnhancePromptOptions): EnhancePrompt {
  const ids = requests.map((_, i) => `d${i + 1}`);
  const purposeText = options.purpose?.trim() ?? '';
  const asked = ENHANCEMENTS.filter((enhancement) => requests.some((request) => request.enhancements.includes(enhancement)));
  const forPurpose = purposeText === '' ? 'to someone searching the dataset' : 'for the purpose above';
  const example = (id: string, request: EnhanceRequest | undefined): string =>
    `"${id}": {${ENHANCEMENTS.filter((e) => (request === undefined ? asked.includes(e) : request.enhancements.includes(e)))
      .map((e) => SHAPE[e])
      .join(', ')}}`;
  const lines = [
    purposeText === ''
      ? 'No purpose was given: describe each document for general search and retrieval.'
      : `Purpose (what these documents are being enhanced for): ${purposeText}`,
    '',
    'For each document, write only the fields its "fields" line names:',
    ...asked.map((enhancement) => `- ${INSTRUCTIONS[enhancement](forPurpose)}`),
    '',
    'Reply with exactly this JSON shape, with one entry for every document id below and nothing else:',
    `{"documents": {${ids.length === 1 ? example(ids[0]!, requests[0]) : `${example(ids[0]!, requests[0])}, ...`}}}`,
    `Keep titles under ${ENHANCEMENT_LIMITS.titleLength} characters and context under ${ENHANCEMENT_LIMITS.contextLength} characters.`,
    `Documents longer than ${options.maxDocumentChars} characters are cut off; their content ends with a note saying so. Describe the whole document from the part shown.`,
  ];
  requests.forEach((request, i) => {
    const { document } = request;
    const content = document.content;
    const shown = content.length > options.maxDocumentChars ? cut(content, options.maxDocumentChars) : content;
    lines.push(
      '',
      `<document id="${ids[i]}">`,
      `fields: ${ENHANCEMENTS.filter((e) => request.enhancements.includes(e)).join(', ')}`,
      `current title: ${document.title ?? '(none)'}`,
      `collection: ${document.collection ?? '(none)'}`,
      `current tags: ${document.tags.length === 0 ? '(none)' : document.tags.join(', ')}`,
      'content:',
      escapeBlock(shown),
      ...(shown.length < content.length ? [`[cut off: showing the first ${shown.length} of ${content.length} characters]`] : []),
      '</document>',
    );
  });
  return { system: SYSTEM, user: lines.join('\n'), ids };
}
