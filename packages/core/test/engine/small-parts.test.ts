import { describe, expect, it } from 'vitest';
import { chunked, Mutex, throwIfCancelled } from '../../src/index.js';

describe('chunked', () => {
  it('cuts an iterable into chunks with their start index', async () => {
    const chunks = [];
    for await (const chunk of chunked([1, 2, 3, 4, 5], 2)) chunks.push(chunk);
    expect(chunks).toEqual([
      { items: [1, 2], start: 0 },
      { items: [3, 4], start: 2 },
      { items: [5], start: 4 },
    ]);
  });

  it('yields nothing for an empty input', async () => {
    const chunks = [];
    for await (const chunk of chunked([], 3)) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });
});

describe('Mutex', () => {
  it('runs sections one at a time in the order asked, even when one fails', async () => {
    const mutex = new Mutex();
    const log: string[] = [];
    const section = (name: string, fail = false) =>
      mutex.run(async () => {
        log.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, 2));
        log.push(`${name} out`);
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([section('a'), section('b', true), section('c')]);
    expect(log).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});

describe('cancellation helpers', () => {
  it('throwIfCancelled throws CANCELLED with the reason as cause only after the signal fired', () => {
    const controller = new AbortController();
    expect(() => throwIfCancelled(controller.signal)).not.toThrow();
    expect(() => throwIfCancelled(undefined)).not.toThrow();
    const reason = new Error('why');
    controller.abort(reason);
    expect(() => throwIfCancelled(controller.signal, 'custom')).toThrow(expect.objectContaining({ code: 'CANCELLED', message: 'custom', cause: reason }));
  });
});
