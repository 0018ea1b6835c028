import { DatasetError } from '@contextframe/dataset';
import { IoError } from '@contextframe/io';
import { describe, expect, it } from 'vitest';
import { cancelledError, CoreError, isCancellation, isCoreError, toItemError } from '../../src/index.js';

describe('CoreError', () => {
  it('carries a stable code, a message, data, retryability and an ES2022 cause', () => {
    const cause = new Error('root');
    const error = new CoreError('CONFIRM_COUNT_MISMATCH', 'expected 1, found 2', { data: { expected: 1 }, cause, retryable: true });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'CoreError', code: 'CONFIRM_COUNT_MISMATCH', message: 'expected 1, found 2', data: { expected: 1 }, retryable: true });
    expect(error.cause).toBe(cause);
    expect(new CoreError('INVALID_INPUT', 'x').cause).toBeUndefined();
    expect(isCoreError(error)).toBe(true);
    expect(isCoreError(error, 'CONFIRM_COUNT_MISMATCH')).toBe(true);
    expect(isCoreError(error, 'CANCELLED')).toBe(false);
    expect(isCoreError(new Error('x'))).toBe(false);
  });

  it('from() keeps a CoreError, keeps a DatasetError\'s code, data and retryability, and wraps the rest as INTERNAL', () => {
    const core = new CoreError('TX_ROLLED_BACK', 'x');
    expect(CoreError.from(core)).toBe(core);
    const dataset = new DatasetError('TX_CONFLICT', 'retry', { data: { a: 1 }, retryable: true });
    expect(CoreError.from(dataset)).toMatchObject({ code: 'TX_CONFLICT', message: 'retry', data: { a: 1 }, retryable: true, cause: dataset });
    const bug = new TypeError('undefined is not a function');
    expect(CoreError.from(bug)).toMatchObject({ code: 'INTERNAL', cause: bug });
    expect(CoreError.from(bug).message).toContain('undefined is not a function');
    expect(CoreError.from('a string').message).toContain('a string');
  });

  it('from() keeps an IoError\'s code and data, and turns its ABORTED into CANCELLED', () => {
    const exists = new IoError('FILE_EXISTS', 'taken', { data: { path: '/x' } });
    expect(CoreError.from(exists)).toMatchObject({ code: 'FILE_EXISTS', message: 'taken', data: { path: '/x' }, cause: exists });
    expect(CoreError.from(new IoError('ABORTED', 'stop')).code).toBe('CANCELLED');
  });

  it('from() turns every form of cancellation into CANCELLED', () => {
    const controller = new AbortController();
    controller.abort(new Error('reason'));
    expect(CoreError.from(controller.signal.reason, controller.signal).code).toBe('CANCELLED');
    expect(CoreError.from(new DatasetError('ABORTED', 'stop')).code).toBe('CANCELLED');
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(CoreError.from(abort).code).toBe('CANCELLED');
    expect(isCancellation(cancelledError())).toBe(true);
    expect(isCancellation(new CoreError('INTERNAL', 'x'))).toBe(false);
    expect(cancelledError().message).toMatch(/cancelled/);
  });

  it('toItemError reports an item with its index, message and code', () => {
    expect(toItemError(3, new DatasetError('DUPLICATE_ID', 'taken'))).toEqual({ item_index: 3, error: 'taken', code: 'DUPLICATE_ID' });
    expect(toItemError(0, new Error('boom'))).toMatchObject({ item_index: 0, code: 'INTERNAL' });
  });
});
