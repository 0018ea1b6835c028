import { describe, expect, it } from 'vitest';
import { McpProgressSink, type ProgressUpdate, silentLogger } from '../../src/index.js';

describe('McpProgressSink', () => {
  it('sends start, progress and the flushed last update in order, even when sends are slow', async () => {
    const sent: ProgressUpdate[] = [];
    const sink = new McpProgressSink(async (update) => {
      await new Promise((resolve) => setTimeout(resolve, update.progress === 0 ? 20 : 1));
      sent.push(update);
    }, silentLogger);
    sink.start({ operation: 'batch_add', total: 3, message: 'Adding 3' });
    sink.progress({ current: 1, total: 3, message: 'one' });
    sink.item({ index: 0, ok: true });
    sink.progress({ current: 3, total: 3, message: 'three' });
    sink.complete({ operation: 'batch_add', summary: { status: 'succeeded', total: 3, succeeded: 3, failed: 0, skipped: 0, elapsed_ms: 1 } });
    await sink.drain();
    expect(sent).toEqual([
      { progress: 0, total: 3, message: 'Adding 3' },
      { progress: 1, total: 3, message: 'one' },
      { progress: 3, total: 3, message: 'three' },
    ]);
    expect(sink.sent).toBe(3);
  });

  it('keeps going when a notification cannot be sent', async () => {
    const sent: number[] = [];
    const sink = new McpProgressSink(async (update) => {
      if (update.progress === 1) throw new Error('client gone');
      sent.push(update.progress);
    }, silentLogger);
    sink.start({ operation: 'batch_search', total: 2, message: '' });
    sink.progress({ current: 1, total: 2, message: '' });
    sink.progress({ current: 2, total: 2, message: '' });
    await expect(sink.drain()).resolves.toBeUndefined();
    expect(sent).toEqual([0, 2]);
  });
});
