// A second thread for the i8 pass of large batches: it runs `runTiles` on a snapshot's shared memory while
// the calling thread does too, both claiming tiles from the same counter, so a batch uses two cores.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { kernelsModule, type WasmMemory } from './vector-kernels.js';

// The thread only instantiates the kernels on the memory it is sent and joins the job; it keeps nothing, so
// a snapshot's memory is freed when the snapshot is. Eval'd source needs no file of its own in the package.
const SOURCE = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ module, memory, control }) => {
  new WebAssembly.Instance(module, { env: { memory } }).exports.runTiles(control);
});`;

let helper: Worker | null | undefined;

/** Starts the helper thread if it is not running yet, so the first shared job does not wait for it to boot. */
export function startTileHelper(): void {
  helper ??= startHelper();
}

/**
 * Asks the helper thread to join the tile job at `control` in `memory`. Best effort: the caller runs the job
 * too and finishes it alone if the helper is busy or late (or absent: one core, or it could not start).
 */
export function shareTiles(memory: WasmMemory, control: number): void {
  startTileHelper();
  helper?.postMessage({ module: kernelsModule(), memory, control });
}

function startHelper(): Worker | null {
  if (availableParallelism() < 2) return null;
  const worker = new Worker(SOURCE, { eval: true });
  // An idle helper must not keep the process alive.
  worker.unref();
  worker.on('error', (error) => {
    // The thread is gone; searches go on in the calling thread alone. No job can be left waiting for a tile
    // it claimed: it can only fail while instantiating, before claiming, as runTiles allocates nothing and
    // reads only what the calling thread's own kernels read.
    helper = null;
    process.emitWarning(`contextframe: the vector search helper thread failed; searches continue on one core (${String(error)})`);
  });
  return worker;
}
