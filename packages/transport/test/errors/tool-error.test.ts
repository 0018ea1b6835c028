import { CoreError } from '@contextframe/core';
import { DatasetError } from '@contextframe/dataset';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorResult, type Logger, toWireError, TransportError } from '../../src/index.js';

function capturingLogger(): Logger & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { lines, error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug') };
}

describe('toWireError', () => {
  it('keeps a CoreError\'s code, message and data, and logs nothing', () => {
    const logger = capturingLogger();
    const wire = toWireError(new CoreError('CONFIRM_COUNT_MISMATCH', 'expected 3, found 4', { data: { expected: 3, found: 4 } }), logger);
    expect(wire).toEqual({ code: 'CONFIRM_COUNT_MISMATCH', message: 'expected 3, found 4', details: { expected: 3, found: 4 } });
    expect(logger.lines).toEqual([]);
  });

  it('keeps a DatasetError\'s code and retryability, and turns ABORTED into CANCELLED', () => {
    const logger = capturingLogger();
    expect(toWireError(new DatasetError('TX_CONFLICT', 'conflict', { retryable: true }), logger)).toEqual({ code: 'TX_CONFLICT', message: 'conflict', retryable: true });
    expect(toWireError(new DatasetError('ABORTED', 'stopped'), logger).code).toBe('CANCELLED');
  });

  it('maps errors of packages it does not import (io) by name and code', () => {
    const error = Object.assign(new Error('outside the allowed roots'), { name: 'IoError', code: 'PATH_OUTSIDE_ROOTS', data: { path: '/etc' } });
    expect(toWireError(error, capturingLogger())).toEqual({ code: 'PATH_OUTSIDE_ROOTS', message: 'outside the allowed roots', details: { path: '/etc' } });
  });

  it('turns a zod error into INVALID_INPUT naming each path', () => {
    const result = z.object({ documents: z.array(z.object({ content: z.string() })) }).safeParse({ documents: [{ content: 1 }] });
    const wire = toWireError(result.error, capturingLogger());
    expect(wire.code).toBe('INVALID_INPUT');
    expect(wire.message).toContain('documents[0].content');
    expect(wire.details).toEqual({ issues: [{ path: 'documents[0].content', message: expect.any(String) }] });
  });

  it('turns an unknown error into INTERNAL with a reference, logging the cause but never sending it', () => {
    const logger = capturingLogger();
    const wire = toWireError(new Error('SELECT secret FROM internals failed'), logger);
    expect(wire.code).toBe('INTERNAL');
    expect(wire.message).not.toContain('secret');
    const reference = (wire.details as { reference: string }).reference;
    expect(wire.message).toContain(reference);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]!.level).toBe('error');
    expect(logger.lines[0]!.message).toContain(reference);
    expect((logger.lines[0]!.fields!.error as Error).message).toContain('SELECT secret');
  });

  it('logs the cause of a package error coded INTERNAL, not the wrapper', () => {
    const logger = capturingLogger();
    const cause = new TypeError('undefined is not a function');
    const wire = toWireError(CoreError.from(cause), logger);
    expect(wire.code).toBe('INTERNAL');
    expect(logger.lines[0]!.fields!.error).toBe(cause);
  });

  it('drops details that JSON cannot carry instead of failing', () => {
    const wire = toWireError(new TransportError('NOT_FOUND', 'gone', { data: { big: 1n } }), capturingLogger());
    expect(wire).toEqual({ code: 'NOT_FOUND', message: 'gone' });
  });
});

describe('errorResult', () => {
  it('is an isError result with the code in the text and in structuredContent.error', () => {
    const result = errorResult(new CoreError('TX_ROLLED_BACK', 'Nothing was written: document 2 failed'), capturingLogger());
    expect(result.isError).toBe(true);
    expect(result.content).toEqual([{ type: 'text', text: 'TX_ROLLED_BACK: Nothing was written: document 2 failed' }]);
    expect(result.structuredContent).toEqual({ error: { code: 'TX_ROLLED_BACK', message: 'Nothing was written: document 2 failed' } });
  });
});
