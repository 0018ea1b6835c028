// Rigorous bounds on exact cosine scores from int8 rows and i16 queries, for a cheap first pass over the
// vectors that never changes the result: only rows whose upper bound reaches the k-th best lower bound can be
// in the top k, and only those are scored exactly.
//
// A row x is stored as s·x̃ + e with x̃ integers in [-127, 127] and s = max|x| / 127; a query q as t·q̃ + f with
// q̃ integers in [-m, m]. Then q·x = s·t·(q̃·x̃) + t·(q̃·e) + f·x, and by Cauchy–Schwarz the last two terms are
// at most t·‖q̃‖·‖e‖ + ‖f‖·‖x‖ in size. q̃·x̃ is an exact i32 (m keeps it from overflowing). Dividing by
// ‖q‖·‖x‖ gives the cosine to within that width; the exact score is the same cosine computed with f32 sums,
// which differ from the real one by at most γ·Σ|qᵢxᵢ| ≤ γ·‖q‖·‖x‖, so `scoreError` widens both bounds by γ.

/** Largest magnitude of a quantized row component. */
export const ROW_LEVELS = 127;

// Rows and queries outside this magnitude range get no bound (they are always scored exactly): it keeps the
// f32 products from overflowing or losing precision to underflow, which the error bound assumes they don't.
const MIN_MAGNITUDE = 2 ** -50;
const MAX_MAGNITUDE = 2 ** 50;

/**
 * The most an exact f32 score can differ from the real cosine, for rows padded to `strideF` floats: four
 * f32x4 lanes each sum strideF/4 products and two additions combine them, so a chain is strideF/4 + 3
 * roundings of 2⁻²⁴; this allows four times that, plus room for the f64 arithmetic of the bounds.
 */
export function scoreError(strideF: number): number {
  return (strideF + 16) * 2 ** -23 + 1e-12;
}

/**
 * Per-row terms of the bounds, one entry per row: a row's score lies in center ± width with
 * center = alpha·scale·D + base and width = beta1·slack + beta2 (D the integer dot product, alpha and the
 * betas from the query's QueryBound).
 */
export class RowBounds {
  /** s / ‖x‖; 0 for rows without a bound. */
  readonly scale: Float64Array;
  /** ‖e‖ / ‖x‖; Infinity for rows that are always scored exactly. */
  readonly slack: Float64Array;
  /** -1 for a zero row (its exact score is -1 whatever the query), else 0. */
  readonly base: Float64Array;

  constructor(rows: number) {
    this.scale = new Float64Array(rows);
    this.slack = new Float64Array(rows);
    this.base = new Float64Array(rows);
  }

  /**
   * Quantizes row `row` (`n` floats of `values` from `from`, with norm `norm`) into `out` from `at`, which
   * must be zeroed, and records its bound terms.
   */
  quantize(row: number, values: Float32Array, from: number, n: number, norm: number, out: Int8Array, at: number): void {
    let max = 0;
    for (let j = 0; j < n; j++) max = Math.max(max, Math.abs(values[from + j]!));
    if (norm === 0) {
      this.base[row] = -1;
      return;
    }
    if (!(max >= MIN_MAGNITUDE && max <= MAX_MAGNITUDE && Number.isFinite(norm))) {
      this.slack[row] = Infinity;
      return;
    }
    const step = max / ROW_LEVELS;
    let error = 0;
    for (let j = 0; j < n; j++) {
      const x = values[from + j]!;
      const level = Math.max(-ROW_LEVELS, Math.min(ROW_LEVELS, Math.round(x / step)));
      out[at + j] = level;
      const e = x - step * level;
      error += e * e;
    }
    this.scale[row] = step / norm;
    this.slack[row] = Math.sqrt(error) / norm;
  }
}

/** A query's side of the bounds, and the i16 form the i8 kernels multiply the rows with. */
export interface QueryBound {
  /** The quantized query, zero-padded to the i8 row stride. */
  readonly levels: Int16Array;
  /** t / ‖q‖. */
  readonly alpha: number;
  /** t·‖q̃‖ / ‖q‖. */
  readonly beta1: number;
  /** ‖f‖ / ‖q‖ plus the f32 score error. */
  readonly beta2: number;
}

/**
 * Quantizes a query for rows of `stride8` bytes (padded from `n` dimensions, f32 rows of `strideF` floats);
 * null when the query cannot be bounded (zero, non-finite or extreme values), so every row is scored exactly.
 */
export function queryBound(vector: Float32Array, norm: number, stride8: number, strideF: number): QueryBound | null {
  // Each of the stride8 products is at most 127·levels, and their i32 sum must not overflow.
  const levels = Math.min(32_767, Math.floor((2 ** 31 - 1) / (ROW_LEVELS * stride8)));
  let max = 0;
  for (const x of vector) max = Math.max(max, Math.abs(x));
  if (levels < 1 || !(norm > 0 && Number.isFinite(norm) && max >= MIN_MAGNITUDE && max <= MAX_MAGNITUDE)) return null;
  const step = max / levels;
  const quantized = new Int16Array(stride8);
  let levelsSq = 0;
  let error = 0;
  for (let j = 0; j < vector.length; j++) {
    const x = vector[j]!;
    const level = Math.max(-levels, Math.min(levels, Math.round(x / step)));
    quantized[j] = level;
    levelsSq += level * level;
    const e = x - step * level;
    error += e * e;
  }
  return {
    levels: quantized,
    alpha: step / norm,
    beta1: (step * Math.sqrt(levelsSq)) / norm,
    beta2: Math.sqrt(error) / norm + scoreError(strideF),
  };
}
