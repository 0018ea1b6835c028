import { describe, expect, it } from 'vitest';
import { CollectingProgressSink, NoopProgressSink, noopProgressSink, ProgressTracker, teeProgressSink } from '../../src/index.js';

describe('ProgressTracker', () => {
  it('sends start, strictly increasing progress ending at total, and complete once', () => {
    const sink = new CollectingProgressSink();
    const tracker = new ProgressTracker({ operation: 'op', sink });
    tracker.start(5, 'begin');
    tracker.advance(2, 'two');
    tracker.advance(2, 'again');
    tracker.advance(1, 'backwards');
    tracker.advance(9, 'beyond');
    tracker.itemSucceeded(0, 'a');
    tracker.itemFailed(1, { error: 'bad', code: 'X' });
    const first = tracker.complete();
    const second = tracker.complete({ status: 'failed' });
    expect(second).toBe(first);
    expect(sink.events.map((event) => event.type)).toEqual(['start', 'progress', 'progress', 'item', 'item', 'complete']);
    expect(sink.ofType('progress').map((event) => event.current)).toEqual([2, 5]);
    expect(first).toMatchObject({ status: 'partial', total: 5, succeeded: 1, failed: 1, skipped: 3 });
    expect(sink.summary()).toMatchObject({ total: 5, current: 5, updates: 2, status: 'partial' });
  });

  it('throttles a large batch to about maxUpdates events but always sends the last', () => {
    const sink = new CollectingProgressSink();
    const tracker = new ProgressTracker({ operation: 'op', sink, maxUpdates: 10 });
    tracker.start(1000, 'begin');
    for (let i = 1; i <= 1000; i++) tracker.advance(i, `${i}`);
    const progress = sink.ofType('progress');
    expect(progress).toHaveLength(10);
    expect(progress.at(-1)!.current).toBe(1000);
  });

  it('holds progress below total until finish', () => {
    const sink = new CollectingProgressSink();
    const tracker = new ProgressTracker({ operation: 'op', sink });
    tracker.start(3, 'begin', { hold: true });
    tracker.advance(3, 'prepared all');
    expect(sink.ofType('progress').map((event) => event.current)).toEqual([2]);
    tracker.finish('committed');
    expect(sink.ofType('progress').map((event) => [event.current, event.message])).toEqual([
      [2, 'prepared all'],
      [3, 'committed'],
    ]);
    expect(tracker.complete({ status: 'failed', code: 'X' })).toMatchObject({ status: 'failed', code: 'X' });
  });

  it('reports a fully successful batch as succeeded and works without a sink', () => {
    const tracker = new ProgressTracker({ operation: 'op' });
    tracker.start(1, 'one');
    tracker.itemSucceeded(0);
    expect(tracker.complete().status).toBe('succeeded');
    expect(tracker.succeeded).toBe(1);
    expect(tracker.failed).toBe(0);
  });
});

describe('progress sinks', () => {
  it('the no-op sink accepts every event', () => {
    for (const sink of [noopProgressSink, new NoopProgressSink()]) {
      sink.start({ operation: 'o', total: 1, message: '' });
      sink.progress({ current: 1, total: 1, message: '' });
      sink.item({ index: 0, ok: true });
      sink.complete({ operation: 'o', summary: { status: 'succeeded', total: 1, succeeded: 1, failed: 0, skipped: 0, elapsed_ms: 0 } });
    }
  });

  it('the collecting sink keeps at most maxEvents events but counts them all', () => {
    const sink = new CollectingProgressSink({ maxEvents: 2 });
    sink.start({ operation: 'o', total: 3, message: '' });
    for (let i = 1; i <= 3; i++) sink.progress({ current: i, total: 3, message: '' });
    expect(sink.events).toHaveLength(2);
    expect(sink.summary()).toEqual({ total: 3, current: 3, updates: 3, status: 'running', elapsed_ms: 0 });
  });

  it('the tee sink forwards every event to each sink in order', () => {
    const a = new CollectingProgressSink();
    const b = new CollectingProgressSink();
    const tee = teeProgressSink(a, b);
    tee.start({ operation: 'o', total: 1, message: 's' });
    tee.progress({ current: 1, total: 1, message: 'p' });
    tee.item({ index: 0, ok: false, error: 'e', code: 'C' });
    tee.complete({ operation: 'o', summary: { status: 'partial', total: 1, succeeded: 0, failed: 1, skipped: 0, elapsed_ms: 1 } });
    expect(a.events).toEqual(b.events);
    expect(a.events.map((event) => event.type)).toEqual(['start', 'progress', 'item', 'complete']);
  });
});
