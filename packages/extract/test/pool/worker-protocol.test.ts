// Errors crossing the thread boundary as plain data: what a worker sends for each kind of failure, and what the
// pool makes of it again.
import { describe, expect, it } from 'vitest';
import { ExtractError } from '../../src/index.js';
import { reviveError, serializeError } from '../../src/pool/worker-protocol.js';

describe('serializeError', () => {
  it('keeps an ExtractError\'s code, message and a copy of its data', () => {
    const data = { name: 'a.pdf', format: 'pdf' };
    const serialized = serializeError(new ExtractError('EMPTY_CONTENT', 'nothing to extract', { data }));
    expect(serialized).toEqual({ code: 'EMPTY_CONTENT', message: 'nothing to extract', data });
    expect(serialized.data).not.toBe(data);
    expect(structuredClone(serialized)).toEqual(serialized);
  });

  it('turns any other Error into EXTRACT_FAILED with its message', () => {
    expect(serializeError(new RangeError('Invalid array length'))).toEqual({ code: 'EXTRACT_FAILED', message: 'Extraction failed: Invalid array length', data: {} });
  });

  it('turns a thrown non-Error into EXTRACT_FAILED with its text', () => {
    expect(serializeError('a parser threw a string')).toEqual({ code: 'EXTRACT_FAILED', message: 'Extraction failed: a parser threw a string', data: {} });
    expect(serializeError(undefined).message).toBe('Extraction failed: undefined');
  });
});

describe('reviveError', () => {
  it('rebuilds the ExtractError a worker sent', () => {
    const error = reviveError({ code: 'TOO_LARGE', message: 'too big', data: { bytes: 10, limit: 5 } });
    expect(error).toBeInstanceOf(ExtractError);
    expect([error.code, error.message, error.data]).toEqual(['TOO_LARGE', 'too big', { bytes: 10, limit: 5 }]);
  });

  it('makes an unknown code EXTRACT_FAILED, keeping the message and data', () => {
    const error = reviveError({ code: 'FROM_A_NEWER_WORKER' as never, message: 'odd', data: { x: 1 } });
    expect([error.code, error.message, error.data]).toEqual(['EXTRACT_FAILED', 'odd', { x: 1 }]);
  });
});
