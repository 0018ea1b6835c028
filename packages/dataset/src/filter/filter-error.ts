// Builds the errors the filter language raises, so every one names a position, what was expected and what was found.
import { DatasetError } from '../errors.js';
import type { FieldRef } from './ast.js';

/** The `data` of a FILTER_SYNTAX or FILTER_TYPE error. `position` is a 0-based offset into the filter text. */
export interface FilterErrorData {
  readonly position: number;
  readonly expected: string;
  readonly found: string;
}

/**
 * A FILTER_SYNTAX (the text does not parse) or FILTER_TYPE (it parses, but compares a field with a value it
 * can never hold) error. The message repeats the code so it reads well even where only the message is shown.
 */
export function filterError(
  code: 'FILTER_SYNTAX' | 'FILTER_TYPE',
  position: number,
  expected: string,
  found: string,
  hint?: string,
): DatasetError {
  const data: FilterErrorData = { position, expected, found };
  const message = `${code} at position ${position} (0-based): expected ${expected} but found ${found}${hint === undefined ? '' : `. ${hint}`}`;
  return new DatasetError(code, message, { data });
}

/** Shows a piece of user text in a message without letting a 1 MB literal become a 1 MB message. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Writes a field back in filter syntax (`title`, `metadata.a."my key"`) for messages. */
export function describeField(field: FieldRef): string {
  if (field.kind === 'column') return field.name;
  const keys = field.path.map((key) => (/^[A-Za-z0-9_]+$/.test(key) ? key : `"${key.replaceAll('"', '""')}"`));
  return excerpt(`metadata.${keys.join('.')}`, 80);
}
