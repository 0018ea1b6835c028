// The one place errors become wire errors: every tool failure is a result with isError and a stable code.
import { randomUUID } from 'node:crypto';
import { issuesOf } from '@contextframe/core';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';

/** An error as agents see it, in `structuredContent.error`. */
export interface WireError {
  /** Stable: agents branch on it (`FILTER_SYNTAX`, `CONFIRM_COUNT_MISMATCH`, `TX_ROLLED_BACK`, `INTERNAL`, ...). */
  readonly code: string;
  /** What went wrong and what to do about it. */
  readonly message: string;
  /** The error's data: the failing field, the counts compared, the failed items. */
  readonly details?: unknown;
  /** True when the same call may succeed if repeated (a write conflict, a rate limit). */
  readonly retryable?: boolean;
}

/** Names of the package error classes; each has a string `code`, a `message` and optional `data`. */
const PACKAGE_ERRORS: ReadonlySet<string> = new Set(['CoreError', 'DatasetError', 'IoError', 'TransportError']);

interface PackageError extends Error {
  readonly code: string;
  readonly data?: unknown;
  readonly retryable?: boolean;
}

// Matched by name and shape, not class: io's IoError joins without transport importing every package.
function isPackageError(error: unknown): error is PackageError {
  return error instanceof Error && PACKAGE_ERRORS.has(error.name) && typeof (error as { code?: unknown }).code === 'string';
}

/** Drops what JSON cannot carry (functions, cycles, errors' hidden fields) so details always serialize. */
function jsonSafe(value: unknown): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return undefined;
  }
}

function internal(cause: unknown, logger: Logger): WireError {
  const reference = randomUUID().slice(0, 8);
  // The cause may hold SQL, paths or provider responses: it goes to the log, the agent gets a reference.
  logger.error(`internal error ${reference}`, { error: cause instanceof Error ? cause : new Error(String(cause)) });
  return {
    code: 'INTERNAL',
    message: `Internal error (reference ${reference}); the server log has the details. This is a bug in contextframe, not in the call.`,
    details: { reference },
  };
}

/**
 * Turns anything thrown by a tool into a WireError: package errors keep their code, message and data (the
 * dataset's ABORTED becomes CANCELLED), zod errors become INVALID_INPUT naming each path, and anything else
 * (or an INTERNAL package error) becomes INTERNAL, with the cause logged to the logger (stderr), never sent.
 */
export function toWireError(error: unknown, logger: Logger): WireError {
  if (error instanceof z.ZodError) {
    const issues = issuesOf(error);
    const listed = issues.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`).join('; ');
    return { code: 'INVALID_INPUT', message: `Invalid input: ${listed}. Fix these fields and call again.`, details: { issues } };
  }
  if (isPackageError(error)) {
    if (error.code === 'INTERNAL') return internal(error.cause ?? error, logger);
    const details = jsonSafe(error.data);
    return {
      code: error.code === 'ABORTED' ? 'CANCELLED' : error.code,
      message: error.message,
      ...(details === undefined ? {} : { details }),
      ...(error.retryable === true ? { retryable: true } : {}),
    };
  }
  return internal(error, logger);
}

/** The tool result for a failure: `isError`, a readable text, and `structuredContent.error`. */
export function errorResult(error: unknown, logger: Logger): CallToolResult {
  const wire = toWireError(error, logger);
  return {
    isError: true,
    // Dataset messages often start with their code already.
    content: [{ type: 'text', text: wire.message.startsWith(wire.code) ? wire.message : `${wire.code}: ${wire.message}` }],
    structuredContent: { error: wire },
  };
}
