import { describe, expect, it } from 'vitest';
import { CoreError, runBounded } from '../../src/index.js';

const tick = (ms = 1) => new Promise((resolve) => setTimeout(resolve, ms));

describe('runBounded', () => {
  it('never has more than `limit` tasks in flight, and uses the whole limit', async () => {
    let inFlight = 0;
    let peak = 0;
    await runBounded(Array.from({ length: 40 }, (_, i) => i), 4, async (i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await tick(i % 3);
      inFlight--;
      return i;
    });
    expect(peak).toBe(4);
    expect(inFlight).toBe(0);
  });

  it('returns results in input order even when later tasks finish first', async () => {
    const results = await runBounded([30, 1, 20, 2, 10], 5, async (ms, i) => {
      await tick(ms);
      return `${i}:${ms}`;
    });
    expect(results).toEqual(['0:30', '1:1', '2:20', '3:2', '4:10']);
  });

  it('runs tasks one at a time with limit 1', async () => {
    const order: string[] = [];
    await runBounded([1, 2, 3], 1, async (i) => {
      order.push(`start ${i}`);
      await tick();
      order.push(`end ${i}`);
    });
    expect(order).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('starts no new task after the signal fires, waits for the ones in flight, and rejects with CANCELLED', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    let finished = 0;
    const run = runBounded(
      Array.from({ length: 20 }, (_, i) => i),
      3,
      async (i) => {
        started.push(i);
        if (i === 4) controller.abort(new Error('stop'));
        await tick(5);
        finished++;
        return i;
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(started).toEqual([0, 1, 2, 3, 4]);
    // Tasks already running were awaited: none is left behind.
    expect(finished).toBe(started.length);
  });

  it('does not start at all when the signal has already fired', async () => {
    let calls = 0;
    await expect(runBounded([1, 2], 2, async () => calls++, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(CoreError);
    expect(calls).toBe(0);
  });

  it('returns every result when the signal fires only after the last task finished', async () => {
    const controller = new AbortController();
    const results = await runBounded(
      [1, 2, 3],
      3,
      async (i) => {
        await tick(i);
        if (i === 3) controller.abort();
        return i * 2;
      },
      { signal: controller.signal },
    );
    expect(results).toEqual([2, 4, 6]);
  });

  it('rejects with the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const failure = new Error('task 2 failed');
    await expect(
      runBounded([0, 1, 2, 3, 4, 5], 2, async (i) => {
        started.push(i);
        await tick();
        if (i === 2) throw failure;
        return i;
      }),
    ).rejects.toBe(failure);
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('pulls items lazily from an async iterable', async () => {
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 10; i++) {
        pulled++;
        yield i;
      }
    }
    let maxAhead = 0;
    let done = 0;
    const results = await runBounded(source(), 2, async (i) => {
      maxAhead = Math.max(maxAhead, pulled - done);
      await tick();
      done++;
      return i;
    });
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(maxAhead).toBeLessThanOrEqual(2);
  });

  it('rejects with the source failure when the iterable throws', async () => {
    function* source() {
      yield 1;
      throw new Error('source broke');
    }
    await expect(runBounded(source(), 2, async (i) => i)).rejects.toThrow('source broke');
  });

  it('rejects a limit that is not a positive integer with INVALID_INPUT', async () => {
    await expect(runBounded([1], 0, async (i) => i)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(runBounded([1], 1.5, async (i) => i)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('handles an empty input', async () => {
    expect(await runBounded([], 3, async () => 1)).toEqual([]);
  });
});
