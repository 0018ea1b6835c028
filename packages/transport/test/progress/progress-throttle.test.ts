import { describe, expect, it } from 'vitest';
import { ProgressThrottle, type ProgressUpdate } from '../../src/index.js';

function run(throttle: ProgressThrottle, total: number, currents: readonly number[]): ProgressUpdate[] {
  const sent = [throttle.start(total, 'start')];
  for (const current of currents) {
    const update = throttle.offer({ progress: current, total, message: `${current}` });
    if (update) sent.push(update);
  }
  const last = throttle.flush();
  if (last) sent.push(last);
  return sent;
}

describe('ProgressThrottle', () => {
  it('sends a 100,000-item batch as at most maxUpdates + 2 strictly increasing updates, from 0 to total', () => {
    const total = 100_000;
    const sent = run(new ProgressThrottle({ maxUpdates: 50 }), total, Array.from({ length: total }, (_, i) => i + 1));
    expect(sent.length).toBeLessThanOrEqual(52);
    expect(sent.length).toBeGreaterThan(40);
    expect(sent[0]!.progress).toBe(0);
    expect(sent.at(-1)!.progress).toBe(total);
    for (let i = 1; i < sent.length; i++) expect(sent[i]!.progress).toBeGreaterThan(sent[i - 1]!.progress);
  });

  it('sends every update of a small batch', () => {
    expect(run(new ProgressThrottle(), 5, [1, 2, 3, 4, 5]).map((update) => update.progress)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('never repeats or goes back', () => {
    expect(run(new ProgressThrottle(), 10, [3, 3, 2, 5, 4, 10]).map((update) => update.progress)).toEqual([0, 3, 5, 10]);
  });

  it('holds updates inside minIntervalMs and flushes the last one when the batch ends below total', () => {
    let now = 0;
    const throttle = new ProgressThrottle({ minIntervalMs: 100, now: () => now });
    const sent = [throttle.start(10, 'start')];
    for (const current of [1, 2, 3]) {
      now += 10;
      const update = throttle.offer({ progress: current, total: 10, message: '' });
      if (update) sent.push(update);
    }
    now += 200;
    const due = throttle.offer({ progress: 4, total: 10, message: '' });
    if (due) sent.push(due);
    now += 10;
    expect(throttle.offer({ progress: 6, total: 10, message: 'six' })).toBeUndefined();
    sent.push(throttle.flush()!);
    expect(sent.map((update) => update.progress)).toEqual([0, 4, 6]);
    expect(sent.at(-1)!.message).toBe('six');
    expect(throttle.flush()).toBeUndefined();
  });

  it('always sends total at once, whatever the interval', () => {
    let now = 0;
    const throttle = new ProgressThrottle({ minIntervalMs: 1_000, now: () => now });
    throttle.start(3, '');
    now += 1;
    expect(throttle.offer({ progress: 3, total: 3, message: 'done' })?.progress).toBe(3);
  });
});
