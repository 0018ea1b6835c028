// Validation at the edge: an operation's input is checked once with its zod schema, then trusted.
import type { z } from 'zod';
import { CoreError } from '../errors/core-error.js';

/** One problem found in an input: where (`documents[3].content`) and what. */
export interface InputIssue {
  readonly path: string;
  readonly message: string;
}

const MAX_LISTED = 5;

/** Renders a zod issue path as `documents[3].content`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let text = prefix;
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(input)' : text;
}

/** The issues of a zod error, with readable paths. */
export function issuesOf(error: z.ZodError, prefix = ''): InputIssue[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path, prefix), message: issue.message }));
}

/** Names the first few issues in one sentence. */
export function describeIssues(issues: readonly InputIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED).map((issue) => `${issue.path}: ${issue.message}`);
  const more = issues.length > MAX_LISTED ? ` (and ${issues.length - MAX_LISTED} more)` : '';
  return `${listed.join('; ')}${more}`;
}

/**
 * Parses `input` with `schema`, filling defaults; throws CoreError INVALID_INPUT naming every problem
 * (`data.issues`) when it does not fit.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, operation: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = issuesOf(result.error);
  throw new CoreError('INVALID_INPUT', `Invalid ${operation} input: ${describeIssues(issues)}. Fix these fields and call again.`, {
    data: { issues },
    cause: result.error,
  });
}
