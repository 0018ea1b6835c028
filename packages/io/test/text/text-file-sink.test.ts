// TextFileSink: text encoded into large buffers and written in order; a failed write is WRITE_FAILED, and
// discard removes the file.
import { readFileSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IoError } from '../../src/io-error.js';
import { TextFileSink } from '../../src/text/text-file-sink.js';
import { tempDir } from '../helpers.js';

let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  vi.restoreAllMocks();
  dir.remove();
});

/** Pieces of text of many sizes (up to past one buffer), with 2-, 3- and 4-byte characters, 40 MB or so in all. */
function pieces(): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < 3000; i++) out.push(`${i}:${'é€😀x'.repeat((i * 7919) % 4000)}${i % 500 === 0 ? 'y'.repeat(1_500_000) : ''}\n`);
  return out;
}

/** The prototype of the FileHandle objects fs/promises makes, to inject faults into their writes. */
async function fileHandlePrototype(): Promise<{ write: (...args: never[]) => Promise<{ bytesWritten: number }> }> {
  const handle = await open(join(dir.path, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle);
}

describe('TextFileSink', () => {
  it('writes every piece in order, across and within its buffers, and counts the bytes', async () => {
    const path = join(dir.path, 'out.txt');
    const sink = await TextFileSink.create(path);
    const text = pieces();
    for (let i = 0; i < text.length; i++) {
      sink.append(text[i]!);
      if (i % 25 === 0) await sink.flush();
    }
    await sink.close();
    const expected = Buffer.from(text.join(''), 'utf8');
    expect(expected.length).toBeGreaterThan(40 << 20);
    expect(readFileSync(path).equals(expected)).toBe(true);
    expect(sink.bytes).toBe(expected.length);
    expect(statSync(path).size).toBe(expected.length);
  });

  it('refuses an existing file with FILE_EXISTS and leaves it alone', async () => {
    const path = join(dir.path, 'taken.txt');
    const first = await TextFileSink.create(path);
    first.append('keep me');
    await first.close();
    await expect(TextFileSink.create(path)).rejects.toMatchObject({ code: 'FILE_EXISTS' });
    expect(readFileSync(path, 'utf8')).toBe('keep me');
  });

  it('reports an injected ENOSPC on the third write as WRITE_FAILED, attempts nothing after it, and discard removes the file', async () => {
    const prototype = await fileHandlePrototype();
    const real = prototype.write;
    let calls = 0;
    const spy = vi.spyOn(prototype, 'write').mockImplementation(function (this: unknown, ...args: never[]) {
      calls += 1;
      if (calls === 3) return Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      return real.apply(this, args);
    });
    const path = join(dir.path, 'full.txt');
    const sink = await TextFileSink.create(path);
    let failure: unknown;
    try {
      for (const piece of pieces()) {
        sink.append(piece);
        await sink.flush();
      }
      await sink.close();
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(IoError);
    expect(failure).toMatchObject({ code: 'WRITE_FAILED', data: { path } });
    expect((failure as Error).message).toContain('ENOSPC');
    expect(calls).toBe(3);
    spy.mockRestore();
    await sink.discard();
    expect(dir.files()).toEqual(['probe']);
  });

  it('discard drops pending text and removes the file', async () => {
    const path = join(dir.path, 'dropped.txt');
    const sink = await TextFileSink.create(path);
    for (const piece of pieces().slice(0, 600)) sink.append(piece);
    await sink.flush();
    sink.append('never written');
    await sink.discard();
    expect(dir.files()).toEqual([]);
  });
});
