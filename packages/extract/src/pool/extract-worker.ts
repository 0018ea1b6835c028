// The worker thread's entry: runs extractInline for each request from WorkerPoolExtractor, one at a time.
import { parentPort, workerData } from 'node:worker_threads';
import { extractInline } from '../extract-inline.js';
import { serializeError, type WorkerData, type WorkerMessage, type WorkerRequest, type WorkerResponse } from './worker-protocol.js';

// A stdio MCP server's stdout carries its protocol: whatever a parser prints (pdf.js logs through console) goes to
// stderr instead. (Piping the worker's stdout in the parent would do the same, but that pipe keeps the process alive.)
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;

const TEST_HOOK_PREFIX = 'cf-test-hook:';
const data = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error('extract-worker must run in a worker thread (WorkerPoolExtractor starts it).');

// A promise some parser left behind must not end the worker, or its next, unrelated file would fail: log and go on.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`[contextframe extract worker] unhandled rejection: ${reason instanceof Error ? reason.message : String(reason)}\n`);
});

port.on('message', (request: WorkerRequest) => {
  void handle(request).then((response) => port.postMessage(response));
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    if (data.testHooks && request.name?.startsWith(TEST_HOOK_PREFIX)) await testHook(request.name.slice(TEST_HOOK_PREFIX.length));
    const extraction = await extractInline(
      {
        bytes: request.bytes,
        ...(request.name === undefined ? {} : { name: request.name }),
        ...(request.contentType === undefined ? {} : { contentType: request.contentType }),
        ...(request.format === undefined ? {} : { format: request.format }),
      },
      // The pool has checked the input size before copying the bytes here.
      { maxInputBytes: Number.MAX_SAFE_INTEGER, maxOutputChars: data.maxOutputChars },
    );
    return { type: 'result', id: request.id, ok: true, extraction };
  } catch (error) {
    return { type: 'result', id: request.id, ok: false, error: serializeError(error) };
  }
}

// Faults the pool must survive, for its tests only (WorkerPoolExtractor's `testHooks` option).
async function testHook(hook: string): Promise<void> {
  switch (hook) {
    case 'spin':
      // The fault this hook injects: a thread that never yields.
      while (true);
    case 'hang':
      return new Promise<void>(() => undefined);
    case 'exit':
      return process.exit(3);
    case 'throw':
      setImmediate(() => {
        throw new Error('test hook: uncaught exception in the worker');
      });
      return new Promise<void>(() => undefined);
    case 'reject':
      void Promise.reject(new Error('test hook: a rejection nobody handles'));
      return;
    case 'oom': {
      const hog: string[][] = [];
      for (;;) hog.push(Array.from({ length: 1_000_000 }, (_, i) => `${i}`));
    }
    case 'stdout':
      console.log('test hook: console.log from the worker');
      process.stdout.write('test hook: process.stdout.write from the worker\n');
      return;
    default:
      return;
  }
}
