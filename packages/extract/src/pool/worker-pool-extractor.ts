// The server-side Extractor: each extraction runs in a worker thread that can be stopped, so a file that hangs or
// crashes its parser costs one rejected call, never the process.
import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { z } from 'zod';
import { checkInput, checkOptions, limitsSchema } from '../check-input.js';
import { ExtractError, abortedError, describeSource, tooLargeError } from '../extract-error.js';
import { DEFAULT_MAX_INPUT_BYTES, DEFAULT_MAX_OUTPUT_CHARS } from '../extract-inline.js';
import type { ExtractCallOptions, ExtractInput, Extraction, Extractor } from '../extractor.js';
import { workerFile } from './worker-file.js';
import { reviveError, type WorkerData, type WorkerMessage, type WorkerRequest } from './worker-protocol.js';

/** Options of WorkerPoolExtractor. */
export interface WorkerPoolExtractorOptions {
  /** Worker threads at most; started on demand. Default: min(2, available cores). */
  readonly workers?: number;
  /** One extraction's time in its worker, from when a worker takes it; past it the worker is stopped. Default 30 s. */
  readonly timeoutMs?: number;
  /** Larger inputs are TOO_LARGE before any worker sees them. Default 50 MiB. */
  readonly maxInputBytes?: number;
  /** Longer content is cut, with `metadata.truncated: true`. Default 10,000,000 characters. */
  readonly maxOutputChars?: number;
  /** Each worker's V8 limits; a worker that exceeds them fails only its own call. Default: 2048 MB old generation. */
  readonly resourceLimits?: ResourceLimits;
  /** For this package's tests only: lets inputs named `cf-test-hook:<hook>` hang or crash their worker on purpose. */
  readonly testHooks?: boolean;
}

/** A snapshot of the pool, for monitoring and tests. */
export interface WorkerPoolStats {
  /** Worker threads alive. */
  readonly workers: number;
  /** Extractions running. */
  readonly busy: number;
  /** Extractions waiting for a free worker. */
  readonly queued: number;
  /** Workers stopped and to be replaced: by a timeout, an abort or a crash. */
  readonly replaced: number;
}

const optionsSchema = z
  .object({
    workers: z.number().int().min(1).max(64).optional(),
    // setTimeout's ceiling.
    timeoutMs: z.number().int().min(1).max(2 ** 31 - 1).optional(),
    ...limitsSchema,
    resourceLimits: z
      .object({
        maxOldGenerationSizeMb: z.number().positive().optional(),
        maxYoungGenerationSizeMb: z.number().positive().optional(),
        codeRangeSizeMb: z.number().positive().optional(),
        stackSizeMb: z.number().positive().optional(),
      })
      .strict()
      .optional(),
    testHooks: z.boolean().optional(),
  })
  .strict();

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RESOURCE_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 2048 };

interface Job {
  readonly id: number;
  readonly input: ExtractInput;
  readonly signal: AbortSignal | undefined;
  readonly resolve: (extraction: Extraction) => void;
  readonly reject: (error: ExtractError) => void;
  onAbort?: () => void;
  timer?: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  readonly worker: Worker;
  job: Job | undefined;
  /** Loaded and listening: only then is it given a job, so start-up time never counts against a file's timeout. */
  ready: boolean;
  dead: boolean;
}

/**
 * Extracts in a pool of worker threads (see extractInline for what is extracted). Calls beyond `workers` wait in
 * order for a free worker. A call that runs past `timeoutMs` rejects with EXTRACT_TIMEOUT and an aborted one with
 * ABORTED; either way its worker is terminated and a new one started when next needed. A worker that crashes (an
 * uncaught error, running out of its `resourceLimits`) rejects only its own call, with EXTRACT_FAILED. What a
 * worker prints goes to this process's stderr, never its stdout. Idle workers do not keep the process alive;
 * `close()` stops every worker.
 */
export class WorkerPoolExtractor implements Extractor {
  readonly #file: URL;
  readonly #workers: number;
  readonly #timeoutMs: number;
  readonly #maxInputBytes: number;
  readonly #workerData: WorkerData;
  readonly #resourceLimits: ResourceLimits;
  readonly #slots = new Set<Slot>();
  readonly #queue: Job[] = [];
  #nextId = 1;
  #replaced = 0;
  #closed = false;

  constructor(options: WorkerPoolExtractorOptions = {}) {
    const checked = checkOptions(optionsSchema, options, 'WorkerPoolExtractor');
    this.#file = workerFile();
    this.#workers = checked.workers ?? Math.min(2, availableParallelism());
    this.#timeoutMs = checked.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxInputBytes = checked.maxInputBytes ?? DEFAULT_MAX_INPUT_BYTES;
    this.#resourceLimits = { ...DEFAULT_RESOURCE_LIMITS, ...checked.resourceLimits };
    this.#workerData = { maxOutputChars: checked.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS, testHooks: checked.testHooks ?? false };
  }

  /** Extracts one document in a worker. Rejects only with ExtractError. */
  extract(input: ExtractInput, options: ExtractCallOptions = {}): Promise<Extraction> {
    try {
      const checked = checkInput(input);
      const signal = options.signal;
      if (this.#closed) throw closedError(checked.name);
      if (signal?.aborted) throw abortedError(signal, checked.name);
      if (checked.bytes.byteLength > this.#maxInputBytes) throw tooLargeError(checked.name, checked.bytes.byteLength, this.#maxInputBytes);
      return new Promise<Extraction>((resolve, reject) => {
        const job: Job = { id: this.#nextId++, input: checked, signal, resolve, reject };
        if (signal !== undefined) {
          job.onAbort = () => this.#abort(job);
          signal.addEventListener('abort', job.onAbort, { once: true });
        }
        this.#queue.push(job);
        this.#pump();
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** What the pool is doing now. */
  get stats(): WorkerPoolStats {
    let busy = 0;
    for (const slot of this.#slots) if (slot.job !== undefined) busy++;
    return { workers: this.#slots.size, busy, queued: this.#queue.length, replaced: this.#replaced };
  }

  /** Rejects waiting and running calls with CLOSED and terminates every worker. Later calls reject with CLOSED. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, closedError(job.input.name));
    const stopping: Promise<unknown>[] = [];
    for (const slot of [...this.#slots]) {
      const job = slot.job;
      stopping.push(this.#stop(slot));
      if (job !== undefined) this.#settle(job, closedError(job.input.name));
    }
    await Promise.all(stopping);
  }

  // Gives queued jobs to ready idle workers, and starts workers (up to the limit) for jobs no starting worker will take.
  #pump(): void {
    if (this.#closed) return;
    let starting = 0;
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) break;
      if (!slot.ready) starting++;
      else if (slot.job === undefined) this.#run(slot, this.#queue.shift()!);
    }
    while (this.#queue.length > starting && this.#slots.size < this.#workers) {
      try {
        this.#spawn();
        starting++;
      } catch (error) {
        this.#startFailed(error as Error);
      }
    }
    // A worker that runs or is starting for a job keeps the process alive until it answers; an idle one does not.
    for (const slot of this.#slots) {
      if (slot.job !== undefined || !slot.ready) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  #spawn(): Slot {
    const options = { workerData: this.#workerData, resourceLimits: this.#resourceLimits };
    let worker: Worker;
    try {
      worker = new Worker(this.#file, { ...options, execArgv: workerExecArgv() });
    } catch (error) {
      // Flags a worker refuses when given explicitly (--max-old-space-size, --expose-gc, ...) next to --input-type.
      if ((error as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw error;
      worker = new Worker(this.#file, { ...options, execArgv: [] });
    }
    const slot: Slot = { worker, job: undefined, ready: false, dead: false };
    worker.on('message', (message: WorkerMessage) => this.#message(slot, message));
    worker.on('error', (error) => this.#crashed(slot, error));
    worker.on('messageerror', (error) => this.#crashed(slot, error));
    worker.on('exit', (code) => this.#crashed(slot, new Error(`the worker exited with code ${code}`)));
    this.#slots.add(slot);
    return slot;
  }

  #run(slot: Slot, job: Job): void {
    slot.job = job;
    job.slot = slot;
    job.timer = setTimeout(() => this.#kill(slot, timeoutError(job.input.name, this.#timeoutMs)), this.#timeoutMs);
    const { bytes, name, contentType, format } = job.input;
    // A copy the worker owns: transferring the caller's buffer would empty it under them.
    const copy = new Uint8Array(bytes);
    const request: WorkerRequest = {
      id: job.id,
      bytes: copy,
      ...(name === undefined ? {} : { name }),
      ...(contentType === undefined ? {} : { contentType }),
      ...(format === undefined ? {} : { format }),
    };
    slot.worker.postMessage(request, [copy.buffer]);
  }

  #message(slot: Slot, message: WorkerMessage): void {
    if (slot.dead) return;
    if (message.type === 'ready') {
      slot.ready = true;
      this.#pump();
      return;
    }
    const job = slot.job;
    const response = message;
    if (job === undefined || job.id !== response.id) return;
    slot.job = undefined;
    if (response.ok) this.#settle(job, undefined, response.extraction);
    else this.#settle(job, reviveError(response.error));
    this.#pump();
  }

  #abort(job: Job): void {
    const error = abortedError(job.signal!, job.input.name);
    if (job.slot !== undefined) {
      if (job.slot.job === job) this.#kill(job.slot, error);
      return;
    }
    const index = this.#queue.indexOf(job);
    if (index !== -1) this.#queue.splice(index, 1);
    this.#settle(job, error);
  }

  // Timeout or abort: the worker may be stuck in a parser, so it is terminated, not asked.
  #kill(slot: Slot, error: ExtractError): void {
    if (slot.dead) return;
    const job = slot.job;
    void this.#stop(slot);
    this.#replaced++;
    if (job !== undefined) this.#settle(job, error);
    this.#pump();
  }

  #crashed(slot: Slot, cause: Error): void {
    if (slot.dead) return;
    void this.#stop(slot);
    this.#replaced++;
    if (!slot.ready) {
      this.#startFailed(cause);
      this.#pump();
      return;
    }
    const job = slot.job;
    if (job !== undefined) {
      const detail = (cause as { code?: unknown }).code;
      this.#settle(
        job,
        new ExtractError(
          'EXTRACT_FAILED',
          `The worker extracting ${describeSource(job.input.name)} crashed (${cause.message}); the file was not extracted. It may need more memory than the worker's resourceLimits allow, or trip a parser bug; other files are not affected.`,
          { data: { ...(job.input.name === undefined ? {} : { name: job.input.name }), reason: 'worker_crash', ...(typeof detail === 'string' ? { detail } : {}) }, cause },
        ),
      );
    }
    this.#pump();
  }

  // A worker that cannot even start would fail every replacement too: the first waiting job fails with the reason,
  // so a broken installation surfaces as errors instead of an endless restart loop.
  #startFailed(cause: Error): void {
    const next = this.#queue.shift();
    if (next === undefined) return;
    this.#settle(
      next,
      new ExtractError('EXTRACT_FAILED', `The extraction worker could not start (${cause.message}); ${describeSource(next.input.name)} was not extracted. Check the installation of @contextframe/extract.`, {
        data: { ...(next.input.name === undefined ? {} : { name: next.input.name }), reason: 'worker_start' },
        cause,
      }),
    );
  }

  #stop(slot: Slot): Promise<unknown> {
    slot.dead = true;
    this.#slots.delete(slot);
    return slot.worker.terminate().catch(() => undefined);
  }

  #settle(job: Job, error: ExtractError | undefined, extraction?: Extraction): void {
    if (job.timer !== undefined) clearTimeout(job.timer);
    if (job.onAbort !== undefined) job.signal?.removeEventListener('abort', job.onAbort);
    if (job.slot !== undefined && job.slot.job === job) job.slot.job = undefined;
    if (error !== undefined) job.reject(error);
    else job.resolve(extraction!);
  }
}

// Workers inherit the process's flags, minus those Node drops for them. `--input-type` (with `-e`) is not dropped and
// stops a worker that runs a file from starting, so then the flags are passed explicitly without it.
function workerExecArgv(): string[] | undefined {
  if (!process.execArgv.some((arg) => arg === '--input-type' || arg.startsWith('--input-type='))) return undefined;
  const args: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=')) args.push(arg);
  }
  return args;
}

function timeoutError(name: string | undefined, timeoutMs: number): ExtractError {
  return new ExtractError(
    'EXTRACT_TIMEOUT',
    `Extracting ${describeSource(name)} took longer than ${timeoutMs} ms and was stopped. The file may be pathological; if it is only large, raise timeoutMs.`,
    { data: { ...(name === undefined ? {} : { name }), timeout_ms: timeoutMs } },
  );
}

function closedError(name: string | undefined): ExtractError {
  return new ExtractError('CLOSED', `The extractor was closed before ${describeSource(name)} was extracted. Create a new WorkerPoolExtractor to extract more.`, {
    data: name === undefined ? {} : { name },
  });
}
