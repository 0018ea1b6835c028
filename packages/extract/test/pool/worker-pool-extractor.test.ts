// The pool against real worker threads running the built worker (see requireBuiltWorker). Hangs, crashes and
// out-of-memory are caused on purpose through the worker's test hooks: those tests say "(fault injected)".
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerPoolExtractor, type WorkerPoolExtractorOptions } from '../../src/index.js';
import { makePdf } from '../fixtures.js';
import { expectExtractError, requireBuiltWorker, utf8 } from '../helpers.js';

const hook = (name: string, text = 'hooked text') => ({ bytes: utf8(text), name: `cf-test-hook:${name}`, format: 'text' as const });
const valid = { bytes: utf8('Valid document text.'), name: 'valid.txt' };

const pools: WorkerPoolExtractor[] = [];
function pool(options: WorkerPoolExtractorOptions = {}): WorkerPoolExtractor {
  const created = new WorkerPoolExtractor({ testHooks: true, ...options });
  pools.push(created);
  return created;
}

// Waits for the pool to reach a state (polling, no timing assertion); gives up loudly after a while.
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`pool never reached: ${what}`);
}

beforeAll(() => requireBuiltWorker());
afterEach(async () => {
  await Promise.all(pools.splice(0).map((created) => created.close()));
});

describe('WorkerPoolExtractor', () => {
  it('extracts in a worker and keeps the caller\'s bytes intact', async () => {
    const extractor = pool({ workers: 1 });
    const bytes = utf8('Hello from a worker.');
    const result = await extractor.extract({ bytes, name: 'a.txt' });
    expect(result).toEqual({ format: 'text', title: null, content: 'Hello from a worker.', metadata: { encoding: 'utf-8' } });
    expect(bytes.byteLength).toBe(20);
    expect(new TextDecoder().decode(bytes)).toBe('Hello from a worker.');
    expect(extractor.stats).toEqual({ workers: 1, busy: 0, queued: 0, replaced: 0 });
  });

  it('stops a worker that spins past timeoutMs, rejects with EXTRACT_TIMEOUT and recovers (fault injected)', async () => {
    // Generous: the first PDF loads pdf.js inside this limit, which is slow on a busy machine under coverage.
    const extractor = pool({ workers: 1, timeoutMs: 10_000 });
    // A PDF first, so the worker that gets stopped has pdf.js (and its native canvas addon) loaded.
    const pdf = await makePdf({ pages: [['before the hang']] });
    expect((await extractor.extract({ bytes: pdf, name: 'first.pdf' })).content).toBe('before the hang');
    const error = await expectExtractError(extractor.extract(hook('spin')), 'EXTRACT_TIMEOUT');
    expect(error.data).toEqual({ name: 'cf-test-hook:spin', timeout_ms: 10_000 });
    expect(error.message).toContain('raise timeoutMs');
    expect(extractor.stats).toMatchObject({ workers: 0, busy: 0, replaced: 1 });
    expect((await extractor.extract(valid)).content).toBe('Valid document text.');
    expect((await extractor.extract({ bytes: pdf, name: 'again.pdf' })).content).toBe('before the hang');
    expect(extractor.stats).toMatchObject({ workers: 1, replaced: 1 });
  });

  it('times out a worker whose extraction never settles (fault injected)', async () => {
    const extractor = pool({ workers: 1, timeoutMs: 200 });
    await expectExtractError(extractor.extract(hook('hang')), 'EXTRACT_TIMEOUT');
    expect((await extractor.extract(valid)).content).toBe('Valid document text.');
  });

  it('terminates the worker of an aborted call with ABORTED and keeps serving (fault injected)', async () => {
    const extractor = pool({ workers: 1 });
    const controller = new AbortController();
    const running = extractor.extract(hook('spin'), { signal: controller.signal });
    await until(() => extractor.stats.busy === 1, 'one busy worker');
    controller.abort(new Error('stop it'));
    const error = await expectExtractError(running, 'ABORTED');
    expect((error.cause as Error).message).toBe('stop it');
    expect(extractor.stats).toMatchObject({ workers: 0, replaced: 1 });
    expect((await extractor.extract(valid)).content).toBe('Valid document text.');
  });

  it('removes an aborted call from the queue without touching the running one (fault injected)', async () => {
    const extractor = pool({ workers: 1 });
    const running = expectExtractError(extractor.extract(hook('hang')), 'CLOSED');
    const controller = new AbortController();
    const queued = extractor.extract(valid, { signal: controller.signal });
    await until(() => extractor.stats.busy === 1 && extractor.stats.queued === 1, 'one running, one queued');
    controller.abort();
    await expectExtractError(queued, 'ABORTED');
    expect(extractor.stats).toEqual({ workers: 1, busy: 1, queued: 0, replaced: 0 });
    await extractor.close();
    await running;
  });

  it('rejects an already-aborted call without starting a worker', async () => {
    const extractor = pool();
    const controller = new AbortController();
    controller.abort();
    await expectExtractError(extractor.extract(valid, { signal: controller.signal }), 'ABORTED');
    expect(extractor.stats.workers).toBe(0);
  });

  it('fails only the call whose worker exits or throws, with EXTRACT_FAILED, while the other worker finishes its call (fault injected)', async () => {
    const extractor = pool({ workers: 2 });
    const [exited, fine] = await Promise.allSettled([extractor.extract(hook('exit')), extractor.extract(valid)]);
    expect(fine).toEqual({ status: 'fulfilled', value: expect.objectContaining({ content: 'Valid document text.' }) });
    expect(exited.status).toBe('rejected');
    const exitError = await expectExtractError(Promise.reject((exited as PromiseRejectedResult).reason), 'EXTRACT_FAILED');
    expect(exitError.data).toMatchObject({ name: 'cf-test-hook:exit', reason: 'worker_crash' });
    expect(exitError.message).toContain('exited with code 3');
    const thrown = await expectExtractError(extractor.extract(hook('throw')), 'EXTRACT_FAILED');
    expect(thrown.message).toContain('uncaught exception in the worker');
    expect(extractor.stats.replaced).toBe(2);
    expect((await extractor.extract(valid)).content).toBe('Valid document text.');
  });

  it('fails a call whose worker runs out of its resourceLimits memory, and recovers (fault injected)', async () => {
    const extractor = pool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 48 } });
    const error = await expectExtractError(extractor.extract(hook('oom')), 'EXTRACT_FAILED');
    expect(error.data).toMatchObject({ reason: 'worker_crash', detail: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect((await extractor.extract(valid)).content).toBe('Valid document text.');
  });

  it('fails each waiting call with EXTRACT_FAILED when workers cannot start, instead of restarting forever (fault injected: a 1 MB heap)', async () => {
    const extractor = pool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    const calls = [utf8('a'), utf8('b')].map((bytes) => expectExtractError(extractor.extract({ bytes, name: 'x.txt' }), 'EXTRACT_FAILED'));
    for (const error of await Promise.all(calls)) {
      expect(error.data.reason).toBe('worker_start');
      expect(error.message).toContain('could not start');
    }
    expect(extractor.stats).toEqual({ workers: 0, busy: 0, queued: 0, replaced: 2 });
  });

  it('keeps a worker whose parser leaves an unhandled rejection behind (fault injected)', async () => {
    const extractor = pool({ workers: 1 });
    expect((await extractor.extract(hook('reject', 'still extracted'))).content).toBe('still extracted');
    expect((await extractor.extract(valid)).content).toBe('Valid document text.');
    expect(extractor.stats).toMatchObject({ workers: 1, replaced: 0 });
  });

  it('runs at most `workers` extractions at once and queues the rest (fault injected)', async () => {
    const extractor = pool({ workers: 2 });
    const calls = Array.from({ length: 5 }, () => expectExtractError(extractor.extract(hook('hang')), 'CLOSED'));
    await until(() => extractor.stats.busy === 2, 'two busy workers');
    expect(extractor.stats).toEqual({ workers: 2, busy: 2, queued: 3, replaced: 0 });
    await extractor.close();
    await Promise.all(calls);
    expect(extractor.stats).toEqual({ workers: 0, busy: 0, queued: 0, replaced: 0 });
    await expectExtractError(extractor.extract(valid), 'CLOSED');
  });

  it('works through a queue longer than the pool with one worker, in order', async () => {
    const extractor = pool({ workers: 1 });
    const pdf = await makePdf({ title: 'Queued', pages: [['pdf in the queue']] });
    const results = await Promise.all([
      extractor.extract({ bytes: utf8('one'), name: '1.txt' }),
      extractor.extract({ bytes: pdf, name: '2.pdf' }),
      extractor.extract({ bytes: utf8('# three'), name: '3.md' }),
    ]);
    expect(results.map((result) => [result.format, result.content])).toEqual([['text', 'one'], ['pdf', 'pdf in the queue'], ['markdown', '# three']]);
    expect(extractor.stats).toEqual({ workers: 1, busy: 0, queued: 0, replaced: 0 });
  });

  it('rejects an input over maxInputBytes with TOO_LARGE before any worker sees it', async () => {
    const extractor = pool({ maxInputBytes: 10 });
    const error = await expectExtractError(extractor.extract({ bytes: utf8('eleven byte'), name: 'big.txt' }), 'TOO_LARGE');
    expect(error.data).toEqual({ name: 'big.txt', bytes: 11, limit: 10 });
    expect(extractor.stats.workers).toBe(0);
  });

  it('applies maxOutputChars in the worker and reports the truncation', async () => {
    const extractor = pool({ maxOutputChars: 5 });
    const result = await extractor.extract({ bytes: utf8('abcdefghij'), name: 't.txt' });
    expect(result.content).toBe('abcde');
    expect(result.metadata).toEqual({ encoding: 'utf-8', truncated: true, original_chars: 10 });
  });

  it('passes per-source errors from the worker through with their code and data', async () => {
    const extractor = pool();
    const error = await expectExtractError(extractor.extract({ bytes: utf8('{"a":1}\n{oops'), name: 'rows.jsonl' }), 'EXTRACT_FAILED');
    expect(error.data).toEqual({ name: 'rows.jsonl', line: 2 });
    await expectExtractError(extractor.extract({ bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]), name: 'x.png' }), 'UNSUPPORTED_FORMAT');
    await expectExtractError(extractor.extract({ bytes: utf8('  \n'), name: 'e.txt' }), 'EMPTY_CONTENT');
  });

  it('extracts an input named like a test hook as usual when it names no hook, or when hooks are off', async () => {
    const unknownHook = { bytes: utf8('Just a file.'), name: 'cf-test-hook:no-such-hook', format: 'text' as const };
    expect((await pool({ workers: 1 }).extract(unknownHook)).content).toBe('Just a file.');
    const hooksOff = pool({ workers: 1, testHooks: false });
    expect((await hooksOff.extract(hook('exit', 'Not a fault.'))).content).toBe('Not a fault.');
    expect(hooksOff.stats).toMatchObject({ workers: 1, replaced: 0 });
  });

  it('passes a content type to the worker, and names a nameless input "the document" when it is closed', async () => {
    const extractor = pool({ workers: 1 });
    const page = utf8('<html><head><title>Hinted</title></head><body><p>Body text.</p></body></html>');
    const html = await extractor.extract({ bytes: page, contentType: 'text/html; charset=utf-8' });
    expect([html.format, html.title, html.content]).toEqual(['html', 'Hinted', 'Body text.']);
    const running = expectExtractError(extractor.extract(hook('hang')), 'CLOSED');
    const queued = expectExtractError(extractor.extract({ bytes: utf8('never extracted') }), 'CLOSED');
    await until(() => extractor.stats.busy === 1 && extractor.stats.queued === 1, 'one running, one queued');
    await extractor.close();
    expect((await running).data).toEqual({ name: 'cf-test-hook:hang' });
    const nameless = await queued;
    expect(nameless.data).toEqual({});
    expect(nameless.message).toBe('The extractor was closed before the document was extracted. Create a new WorkerPoolExtractor to extract more.');
  });

  it('rejects invalid options and inputs with INVALID_OPTIONS / INVALID_INPUT', async () => {
    expect(() => new WorkerPoolExtractor({ workers: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS', data: { option: 'workers' } }));
    expect(() => new WorkerPoolExtractor({ timeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => new WorkerPoolExtractor({ wokers: 2 } as WorkerPoolExtractorOptions)).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    await expectExtractError(pool().extract({ bytes: [1, 2] as unknown as Uint8Array }), 'INVALID_INPUT');
  });

  it('never writes to the process\'s stdout, and idle workers do not keep the process alive', async () => {
    // A real child process with the built package: its stdout must stay empty (a stdio MCP server's protocol
    // channel) even though the worker prints, and it must exit by itself without close().
    const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const child = spawn(
      process.execPath,
      [
        // Flags a server might run with: --input-type stops workers from starting unless it is left out for them,
        // and --max-old-space-size is refused when flags are passed to a worker explicitly.
        '--max-old-space-size=4096',
        '--input-type=module',
        '-e',
        `const { WorkerPoolExtractor } = await import(${JSON.stringify(index)});
         const pool = new WorkerPoolExtractor({ testHooks: true, workers: 1 });
         const a = await pool.extract({ bytes: new TextEncoder().encode('printed'), name: 'cf-test-hook:stdout', format: 'text' });
         const b = await pool.extract({ bytes: new TextEncoder().encode('%PDF-1.4 not really'), name: 'x.pdf' }).catch((e) => e.code);
         process.stderr.write('child done ' + a.content + ' ' + b + '\\n');`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(killer);
    expect(stderr).toContain('child done printed EXTRACT_FAILED');
    expect(stderr).toContain('test hook: console.log from the worker');
    expect(stderr).toContain('test hook: process.stdout.write from the worker');
    expect(stdout).toBe('');
    expect(code).toBe(0);
  });
});
