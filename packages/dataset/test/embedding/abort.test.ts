import { describe, expect, it } from 'vitest';
import { raceAbort, sleep, throwIfAborted } from '../../src/embedding/abort.js';
import { DatasetError } from '../../src/index.js';

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

describe('abort helpers', () => {
  it('throwIfAborted throws ABORTED with the reason as cause, and nothing for a live or missing signal', () => {
    const reason = new Error('stop');
    expect(() => throwIfAborted(AbortSignal.abort(reason))).toThrow(expect.objectContaining({ code: 'ABORTED', cause: reason }));
    expect(() => throwIfAborted(new AbortController().signal)).not.toThrow();
    expect(() => throwIfAborted(undefined)).not.toThrow();
  });

  it('sleep resolves after the delay, and rejects with ABORTED at once for a fired or firing signal', async () => {
    await expect(sleep(1, undefined)).resolves.toBeUndefined();
    await expect(sleep(1, new AbortController().signal)).resolves.toBeUndefined();
    expect(await rejection(sleep(60_000, AbortSignal.abort()))).toBeInstanceOf(DatasetError);
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);
    controller.abort();
    expect(await rejection(sleeping)).toMatchObject({ code: 'ABORTED' });
  });

  it('raceAbort settles like the promise unless the signal fires first', async () => {
    const failure = new Error('inner');
    await expect(raceAbort(Promise.resolve(1), undefined)).resolves.toBe(1);
    await expect(raceAbort(Promise.resolve(2), new AbortController().signal)).resolves.toBe(2);
    expect(await rejection(raceAbort(Promise.reject(failure), new AbortController().signal))).toBe(failure);
    expect(await rejection(raceAbort(new Promise(() => {}), AbortSignal.abort()))).toMatchObject({ code: 'ABORTED' });
    const controller = new AbortController();
    const racing = raceAbort(new Promise(() => {}), controller.signal);
    controller.abort();
    expect(await rejection(racing)).toMatchObject({ code: 'ABORTED' });
  });
});
