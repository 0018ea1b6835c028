// A chunked document's own vector: the normalized mean of its chunks' vectors.

/**
 * The L2-normalized mean of `vectors` (all of one length). Used as a chunked document's vector so the
 * document costs no extra embedding and never exceeds a model's input limit. Zero stays zero.
 */
export function meanVector(vectors: readonly Float32Array[]): Float32Array {
  const first = vectors[0];
  if (first === undefined) throw new RangeError('meanVector needs at least one vector');
  if (vectors.length === 1) return normalize(Float64Array.from(first));
  const sums = new Float64Array(first.length);
  for (const vector of vectors) for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! + vector[i]!;
  return normalize(sums);
}

function normalize(values: Float64Array): Float32Array {
  let norm = 0;
  for (const value of values) norm += value * value;
  norm = Math.sqrt(norm);
  const result = new Float32Array(values.length);
  if (norm === 0) return result;
  for (let i = 0; i < values.length; i++) result[i] = values[i]! / norm;
  return result;
}
