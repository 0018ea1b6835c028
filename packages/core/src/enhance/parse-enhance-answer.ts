// Reads a model's JSON answer into one outcome per document; whatever the answer lacks fails only that part.
import { z } from 'zod';
import { checkEnhancement } from './check-enhancement.js';
import type { EnhanceOutcome, EnhanceRequest, EnhancementError, EnhancementValues } from './enhancer.js';

const EXCERPT_LENGTH = 200;
const AGAIN = 'Call batch_enhance again for this document; a smaller batch_size often helps.';

const envelopeSchema = z.looseObject({ documents: z.record(z.string(), z.unknown()) });
const entrySchema = z.record(z.string(), z.unknown());

/** The JSON inside a reply: the body of a ```json fence if there is one, else from the first `{` to the last `}`. */
export function unfence(answer: string): string {
  const fenced = /```(?:json|JSON)?[^\S\n]*\n?([\s\S]*?)```/.exec(answer);
  if (fenced !== null) return fenced[1]!.trim();
  const start = answer.indexOf('{');
  const end = answer.lastIndexOf('}');
  return start !== -1 && end > start ? answer.slice(start, end + 1) : answer.trim();
}

function excerpt(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > EXCERPT_LENGTH ? `${line.slice(0, EXCERPT_LENGTH)}...` : line;
}

/**
 * Turns the model's reply into one outcome per request: `ids[i]` is the id request i went by in the prompt.
 * Accepts `{"documents": {id: {...}}}` (or the id map itself), optionally in a ```json fence. Each requested
 * field is checked on its own; a missing document, a missing field or a bad value fails just that field,
 * with an error naming why. `note` (e.g. that the reply was cut off) is added to every such error.
 */
export function parseEnhanceAnswer(answer: string, requests: readonly EnhanceRequest[], ids: readonly string[], note = ''): EnhanceOutcome[] {
  const suffix = `${note === '' ? '' : ` ${note}`} ${AGAIN}`;
  const failAll = (why: string): EnhanceOutcome[] =>
    requests.map((request) => ({ values: {}, errors: request.enhancements.map((enhancement) => ({ enhancement, error: `${enhancement}: ${why}.${suffix}` })) }));
  let json: unknown;
  try {
    json = JSON.parse(unfence(answer));
  } catch {
    return failAll(`the model's reply is not valid JSON ("${excerpt(answer)}")`);
  }
  const envelope = envelopeSchema.safeParse(json);
  const root = entrySchema.safeParse(json);
  const documents = envelope.success ? envelope.data.documents : root.success && ids.some((id) => id in root.data) ? root.data : undefined;
  if (documents === undefined) return failAll(`the model's reply has no "documents" object ("${excerpt(answer)}")`);
  return requests.map((request, i) => {
    const id = ids[i]!;
    const entry = entrySchema.safeParse(documents[id]);
    if (!entry.success) {
      return { values: {}, errors: request.enhancements.map((enhancement) => ({ enhancement, error: `${enhancement}: the model's reply has no entry for this document (${id}).${suffix}` })) };
    }
    let values: EnhancementValues = {};
    const errors: EnhancementError[] = [];
    for (const enhancement of request.enhancements) {
      const value = entry.data[enhancement];
      if (value === undefined) {
        errors.push({ enhancement, error: `${enhancement}: the model's reply for this document (${id}) has no "${enhancement}".${suffix}` });
        continue;
      }
      const checked = checkEnhancement(enhancement, value);
      if (checked.ok) values = { ...values, ...checked.values };
      else errors.push({ enhancement, error: `${checked.error} in the model's reply for this document (${id}).${suffix}` });
    }
    return { values, errors };
  });
}
