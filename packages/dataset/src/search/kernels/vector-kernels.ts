// The WebAssembly dot-product kernels, bound to one memory. vector-kernels.wat documents each kernel.
import { VECTOR_KERNELS_WASM } from './vector-kernels-wasm.js';

/**
 * The kernels of vector-kernels.wat. Every argument is a byte address in the bound memory or a count; the
 * i8 `stride` is bytes per i8 row (and elements per i16 query), a multiple of 16.
 */
export interface VectorKernels {
  /** Exact f32 dot products of one query with `count` listed rows: out[i] = query . matrix[rows[i]]. */
  dotF32(query: number, matrix: number, strideBytes: number, rows: number, count: number, out: number): void;
  /** i32 dot products of one i16 query with `count` listed i8 rows: out[i] = query . matrix[rows[i]]. */
  dotI8One(query: number, matrix: number, stride: number, rows: number, count: number, out: number): void;
  /** i32 dot products of `queryCount` (a multiple of 4) i16 queries with listed i8 rows: out[q * count + i]. */
  dotI8Four(queries: number, queryCount: number, matrix: number, stride: number, rows: number, count: number, out: number): void;
  /**
   * Writes to `hits` the positions i < count where alpha·scale[i]·dots[i] + base[i] + beta1·slack[i] + beta2
   * >= floor (computed in f32: a prefilter) and returns how many. Reads up to 3 entries past `count`.
   */
  above(
    dots: number, count: number, scale: number, slack: number, base: number,
    alpha: number, beta1: number, beta2: number, floor: number, hits: number,
  ): number;
  /** Claims and runs tiles of the i8 job whose control block (words listed in the WAT) is at `control`, until none is left. */
  runTiles(control: number): void;
}

/** Bytes in a WebAssembly memory page. */
export const WASM_PAGE_BYTES = 65_536;

/** The largest memory a 32-bit WebAssembly instance can address. */
export const MAX_WASM_BYTES = 65_536 * WASM_PAGE_BYTES;

/** A shared WebAssembly memory: `buffer` is its bytes, visible to every thread it is posted to. */
export interface WasmMemory {
  readonly buffer: SharedArrayBuffer;
}

// The part of the WebAssembly API used here: Node 20 has it, but neither @types/node 20 nor lib ES2023
// declares it (lib.dom does, and this package has no DOM).
interface WebAssemblyApi {
  readonly Memory: new (descriptor: { initial: number; maximum: number; shared: true }) => WasmMemory;
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let compiled: object | undefined;

/** The compiled kernels module (compiled once per process: it is a few KB), to instantiate or post to a thread. */
export function kernelsModule(): object {
  compiled ??= new wasm.Module(Buffer.from(VECTOR_KERNELS_WASM, 'base64'));
  return compiled;
}

/** A zeroed shared memory of `bytes` (a multiple of WASM_PAGE_BYTES, at most MAX_WASM_BYTES) that never grows. */
export function wasmMemory(bytes: number): WasmMemory {
  const pages = bytes / WASM_PAGE_BYTES;
  return new wasm.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Instantiates the kernels on `memory`. */
export function vectorKernels(memory: WasmMemory): VectorKernels {
  return new wasm.Instance(kernelsModule(), { env: { memory } }).exports as VectorKernels;
}
