import { describe, expect, it } from 'vitest';
import { CollectingProgressSink, CoreError, type ItemOutcome, ProgressTracker, runBatch } from '../../src/index.js';

function tracker(total: number, sink = new CollectingProgressSink()) {
  const t = new ProgressTracker({ operation: 'test', sink });
  t.start(total, 'go');
  return { t, sink };
}

const ok = <R>(value: R): ItemOutcome<R> => ({ ok: true, value });
const fail = (index: number): ItemOutcome<never> => ({ ok: false, error: { item_index: index, error: `item ${index} failed`, code: 'INVALID_INPUT' } });

describe('runBatch', () => {
  it('hands items to process in chunks and keeps one outcome per item, in order', async () => {
    const { t, sink } = tracker(7);
    const chunks: number[][] = [];
    const run = await runBatch({
      items: [0, 1, 2, 3, 4, 5, 6],
      tracker: t,
      chunkSize: 3,
      signal: undefined,
      process: async (items) => {
        chunks.push([...items]);
        return items.map((item) => (item === 4 ? fail(4) : ok(item * 10)));
      },
      describe: (done, total) => `${done}/${total}`,
    });
    expect(chunks).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(run.outcomes.map((outcome) => (outcome!.ok ? outcome!.value : 'x'))).toEqual([0, 10, 20, 30, 'x', 50, 60]);
    expect(run).toMatchObject({ succeeded: 6, failed: 1, stopped: null });
    expect(sink.ofType('progress').map((event) => [event.current, event.message])).toEqual([
      [3, '3/7'],
      [6, '6/7'],
      [7, '7/7'],
    ]);
    expect(sink.ofType('item')).toHaveLength(7);
    expect(sink.ofType('item').find((event) => !event.ok)).toMatchObject({ index: 4, code: 'INVALID_INPUT' });
  });

  it('stops starting chunks once more than maxErrors items failed; chunks in flight finish', async () => {
    const { t } = tracker(20);
    let started = 0;
    const run = await runBatch({
      items: Array.from({ length: 20 }, (_, i) => i),
      tracker: t,
      chunkSize: 2,
      maxErrors: 2,
      process: async (items) => {
        started++;
        return items.map((item) => fail(item));
      },
      describe: () => '',
    });
    expect(run.stopped).toBe('max_errors');
    expect(started).toBe(2);
    expect(run.failed).toBe(4);
    expect(run.outcomes.filter((outcome) => outcome === undefined)).toHaveLength(0);
    expect(run.outcomes).toHaveLength(4);
  });

  it('stops when the signal fires, skipping the chunk that saw the cancellation', async () => {
    const { t } = tracker(10);
    const controller = new AbortController();
    const run = await runBatch({
      items: Array.from({ length: 10 }, (_, i) => i),
      tracker: t,
      chunkSize: 2,
      signal: controller.signal,
      process: async (items, start, signal) => {
        if (start === 4) {
          controller.abort();
          signal?.throwIfAborted();
        }
        return items.map(ok);
      },
      describe: () => '',
    });
    expect(run.stopped).toBe('cancelled');
    expect(run.succeeded).toBe(4);
    expect(run.outcomes.slice(4)).toEqual([]);
  });

  it('reports a cancellation error thrown by process as a stop, not a failure', async () => {
    const { t } = tracker(4);
    const run = await runBatch({
      items: [1, 2, 3, 4],
      tracker: t,
      chunkSize: 2,
      process: async () => {
        throw new CoreError('CANCELLED', 'stopped');
      },
      describe: () => '',
    });
    expect(run.stopped).toBe('cancelled');
  });

  it('rethrows any other failure of process', async () => {
    const { t } = tracker(2);
    await expect(
      runBatch({
        items: [1, 2],
        tracker: t,
        chunkSize: 1,
        process: async () => {
          throw new Error('broken chunk');
        },
        describe: () => '',
      }),
    ).rejects.toThrow('broken chunk');
  });

  it('fails with INTERNAL when process returns the wrong number of outcomes', async () => {
    const { t } = tracker(2);
    await expect(runBatch({ items: [1, 2], tracker: t, chunkSize: 2, process: async () => [ok(1)], describe: () => '' })).rejects.toMatchObject({
      code: 'INTERNAL',
    });
  });

  it('does nothing when the signal fired before the start', async () => {
    const { t } = tracker(2);
    let calls = 0;
    const run = await runBatch({
      items: [1, 2],
      tracker: t,
      chunkSize: 1,
      signal: AbortSignal.abort(),
      process: async (items) => {
        calls++;
        return items.map(ok);
      },
      describe: () => '',
    });
    expect(calls).toBe(0);
    expect(run.stopped).toBe('cancelled');
  });

  it('reports items by the index the caller gives and the id of each success', async () => {
    const { t, sink } = tracker(2);
    await runBatch({
      items: [{ at: 7 }, { at: 9 }],
      tracker: t,
      chunkSize: 2,
      indexOf: (item) => item.at,
      idOf: (value: string) => value,
      process: async (items) => items.map((item) => ok(`id-${item.at}`)),
      describe: () => '',
    });
    expect(sink.ofType('item')).toEqual([
      { type: 'item', index: 7, ok: true, id: 'id-7' },
      { type: 'item', index: 9, ok: true, id: 'id-9' },
    ]);
  });

  it('sends no item events with reportItems: false', async () => {
    const { t, sink } = tracker(2);
    await runBatch({ items: [1, 2], tracker: t, chunkSize: 2, reportItems: false, process: async (items) => items.map(ok), describe: () => '' });
    expect(sink.ofType('item')).toEqual([]);
  });
});
