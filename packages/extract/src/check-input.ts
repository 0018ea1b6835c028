// Inputs are checked once, where they enter the package (extractInline, WorkerPoolExtractor.extract).
import { z } from 'zod';
import { ExtractError } from './extract-error.js';
import { EXTRACT_FORMATS, type ExtractFormat } from './extract-format.js';
import type { ExtractInlineOptions } from './extract-inline.js';
import type { ExtractInput } from './extractor.js';

const inputSchema = z.object({
  bytes: z.instanceof(Uint8Array, { message: 'bytes must be a Uint8Array (a Buffer is one)' }),
  name: z.string().optional(),
  contentType: z.string().optional(),
  format: z.enum(EXTRACT_FORMATS as [ExtractFormat, ...ExtractFormat[]]).optional(),
});

/** `input` as a checked ExtractInput; INVALID_INPUT says which field is wrong. */
export function checkInput(input: unknown): ExtractInput {
  const parsed = inputSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'input';
  throw new ExtractError('INVALID_INPUT', `Invalid extract input: ${field}: ${issue?.message ?? 'invalid'}. Pass { bytes, name?, contentType?, format? } with format one of ${EXTRACT_FORMATS.join(', ')}.`, {
    data: { field },
  });
}

/** Limits shared by extractInline and WorkerPoolExtractor: positive whole numbers. */
export const limitsSchema = {
  maxInputBytes: z.number().int().positive().optional(),
  // Strings past 2^29 characters do not fit in V8.
  maxOutputChars: z.number().int().positive().max(2 ** 29).optional(),
};

const inlineOptionsSchema = z.object({ signal: z.instanceof(AbortSignal).optional(), ...limitsSchema });

/** `options` of extractInline, checked; INVALID_OPTIONS names the bad one. */
export function checkInlineOptions(options: unknown): ExtractInlineOptions {
  return checkOptions(inlineOptionsSchema, options, 'extractInline');
}

/** Parses `options` with `schema`, turning a failure into INVALID_OPTIONS that names the option. */
export function checkOptions<T>(schema: z.ZodType<T>, options: unknown, what: string): T {
  const parsed = schema.safeParse(options ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const option = issue?.path.join('.') || 'options';
  throw new ExtractError('INVALID_OPTIONS', `Invalid ${what} option ${option}: ${issue?.message ?? 'invalid'}. Fix it and try again.`, {
    data: { option },
  });
}
