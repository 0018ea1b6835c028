;; Dot-product kernels for exact vector search, in WebAssembly SIMD (128-bit lanes).
;; Compiled offline to vector-kernels-wasm.ts by scripts/build-kernels.mjs; a test checks the two match.
;;
;; Memory is imported, so the caller sizes it once per snapshot and lays it out itself:
;;   - f32 matrix: one row per vector, `strideBytes` apart, zero-padded to a multiple of 4 floats;
;;   - i8 matrix: the same rows quantized to [-127, 127], `stride` bytes apart, zero-padded to a multiple of 16;
;;   - row lists: i32 row numbers, so one kernel serves the whole matrix and a filter's subset alike.
;; Every kernel handles any row count: a block that runs past the end repeats the last row and skips its store.
;;
;; dotF32 is the exact score. Each (query, row) pair always gets one f32x4 accumulator summed over the row in
;; order and reduced as (l0 + l1) + (l2 + l3), whatever block the row falls in, so a vector scores the same
;; in every call. WebAssembly never fuses a multiply and an add, so the result is the same on every machine.
;; The i8 kernels compute integer dot products with the queries quantized to i16: integer sums are exact, and
;; the caller keeps them from overflowing by bounding the query's magnitude. `runTiles` lets two threads share
;; one i8 pass, tile by tile.
(module
  ;; Shared, so a worker thread can run `runTiles` on the same rows at the same time.
  (import "env" "memory" (memory 1 65536 shared))

  ;; Row `i` of `count` at `rows`, or the last row when `i` is past the end.
  (func $row (param $rows i32) (param $count i32) (param $i i32) (result i32)
    (i32.load
      (i32.add (local.get $rows)
        (i32.shl (select (local.get $i) (i32.sub (local.get $count) (i32.const 1)) (i32.lt_u (local.get $i) (local.get $count)))
          (i32.const 2)))))

  ;; The four f32 lanes of `v` added as (l0 + l1) + (l2 + l3): the one reduction every exact score uses.
  (func $sumF32 (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; Stores `value` at out[i] when i < count.
  (func $storeF32 (param $out i32) (param $i i32) (param $count i32) (param $value f32)
    (if (i32.lt_u (local.get $i) (local.get $count))
      (then (f32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $value)))))

  ;; Exact f32 dot products of one query with `count` listed rows, eight rows per pass over the query:
  ;; out[i] = query . f32matrix[rows[i]]. `strideBytes` is a multiple of 16.
  (func (export "dotF32") (param $query i32) (param $matrix i32) (param $strideBytes i32) (param $rows i32) (param $count i32) (param $out i32)
    (local $i i32) (local $j i32) (local $q v128)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $p4 i32) (local $p5 i32) (local $p6 i32) (local $p7 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $p0 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (local.get $i)) (local.get $strideBytes))))
        (local.set $p1 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 1))) (local.get $strideBytes))))
        (local.set $p2 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 2))) (local.get $strideBytes))))
        (local.set $p3 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 3))) (local.get $strideBytes))))
        (local.set $p4 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 4))) (local.get $strideBytes))))
        (local.set $p5 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 5))) (local.get $strideBytes))))
        (local.set $p6 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 6))) (local.get $strideBytes))))
        (local.set $p7 (i32.add (local.get $matrix) (i32.mul (call $row (local.get $rows) (local.get $count) (i32.add (local.get $i) (i32.const 7))) (local.get $strideBytes))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $a4 (v128.const i32x4 0 0 0 0))
        (local.set $a5 (v128.const i32x4 0 0 0 0))
        (local.set $a6 (v128.const i32x4 0 0 0 0))
        (local.set $a7 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $dims
          (local.set $q (v128.load (i32.add (local.get $query) (local.get $j))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $p0) (local.get $j))) (local.get $q))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $p1) (local.get $j))) (local.get $q))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $p2) (local.get $j))) (local.get $q))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $p3) (local.get $j))) (local.get $q))))
          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (v128.load (i32.add (local.get $p4) (local.get $j))) (local.get $q))))
          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (v128.load (i32.add (local.get $p5) (local.get $j))) (local.get $q))))
          (local.set $a6 (f32x4.add (local.get $a6) (f32x4.mul (v128.load (i32.add (local.get $p6) (local.get $j))) (local.get $q))))
          (local.set $a7 (f32x4.add (local.get $a7) (f32x4.mul (v128.load (i32.add (local.get $p7) (local.get $j))) (local.get $q))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $dims (i32.lt_u (local.get $j) (local.get $strideBytes))))
        (call $storeF32 (local.get $out) (local.get $i) (local.get $count) (call $sumF32 (local.get $a0)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 1)) (local.get $count) (call $sumF32 (local.get $a1)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 2)) (local.get $count) (call $sumF32 (local.get $a2)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 3)) (local.get $count) (call $sumF32 (local.get $a3)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 4)) (local.get $count) (call $sumF32 (local.get $a4)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 5)) (local.get $count) (call $sumF32 (local.get $a5)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 6)) (local.get $count) (call $sumF32 (local.get $a6)))
        (call $storeF32 (local.get $out) (i32.add (local.get $i) (i32.const 7)) (local.get $count) (call $sumF32 (local.get $a7)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $rows))))

  ;; Integer dot products of one i16 query with `count` listed i8 rows, eight rows per pass (one query
  ;; streams the matrix, so this is bound by memory: eight rows in flight keep the loads going).
  ;; out[i] = query . i8matrix[rows[i]]. `stride` (bytes per i8 row, elements per i16 query) is a multiple of 16.
  (func $dotI8One (export "dotI8One") (param $query i32) (param $matrix i32) (param $stride i32) (param $rows i32) (param $count i32) (param $out i32)
    (local $i i32) (local $j i32) (local $last i32) (local $ql v128) (local $qh v128) (local $x v128) (local $s v128) (local $t v128) (local $k i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $p4 i32) (local $p5 i32) (local $p6 i32) (local $p7 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $p0 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (local.get $i) (local.get $last) (i32.lt_u (local.get $i) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p1 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 1)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p2 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 2)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 2)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p3 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 3)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 3)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p4 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 4)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 4)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p5 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 5)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 5)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p6 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 6)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 6)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $p7 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 7)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 7)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $a4 (v128.const i32x4 0 0 0 0))
        (local.set $a5 (v128.const i32x4 0 0 0 0))
        (local.set $a6 (v128.const i32x4 0 0 0 0))
        (local.set $a7 (v128.const i32x4 0 0 0 0))
        (local.set $j (i32.const 0))
        (loop $dims
          (local.set $ql (v128.load (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1)))))
          (local.set $qh (v128.load offset=16 (i32.add (local.get $query) (i32.shl (local.get $j) (i32.const 1)))))
          (local.set $x (v128.load (i32.add (local.get $p0) (local.get $j))))
          (local.set $a0 (i32x4.add (local.get $a0) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p1) (local.get $j))))
          (local.set $a1 (i32x4.add (local.get $a1) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p2) (local.get $j))))
          (local.set $a2 (i32x4.add (local.get $a2) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p3) (local.get $j))))
          (local.set $a3 (i32x4.add (local.get $a3) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p4) (local.get $j))))
          (local.set $a4 (i32x4.add (local.get $a4) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p5) (local.get $j))))
          (local.set $a5 (i32x4.add (local.get $a5) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p6) (local.get $j))))
          (local.set $a6 (i32x4.add (local.get $a6) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $x (v128.load (i32.add (local.get $p7) (local.get $j))))
          (local.set $a7 (i32x4.add (local.get $a7) (i32x4.add
            (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $x)) (local.get $ql))
            (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $x)) (local.get $qh)))))
          (local.set $j (i32.add (local.get $j) (i32.const 16)))
          (br_if $dims (i32.lt_u (local.get $j) (local.get $stride))))
        ;; The eight sums, four to a vector: lanes are transposed and added rather than extracted one by one.
        (local.set $x (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a0) (local.get $a1)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a0) (local.get $a1))))
        (local.set $ql (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a2) (local.get $a3)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a2) (local.get $a3))))
        (local.set $s (i32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $ql)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $ql))))
        (local.set $x (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a4) (local.get $a5)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a4) (local.get $a5))))
        (local.set $ql (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a6) (local.get $a7)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a6) (local.get $a7))))
        (local.set $t (i32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $ql)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $ql))))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 8)) (local.get $count))
          (then
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $s))
            (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $t)))
          (else
            ;; The last, partial block: store lane by lane up to `count`.
            (local.set $k (local.get $i))
            (block $stored
              (loop $lanes
                (br_if $stored (i32.ge_u (local.get $k) (local.get $count)))
                (i32.store (i32.add (local.get $out) (i32.shl (local.get $k) (i32.const 2)))
                  (i32x4.extract_lane 0 (local.get $s)))
                ;; Shift the eight sums down one lane: s = (s1 s2 s3 t0), t = (t1 t2 t3 t3).
                (local.set $s (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 (local.get $s) (local.get $t)))
                (local.set $t (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 12 13 14 15 (local.get $t) (local.get $t)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $lanes)))))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $rows))))

  ;; Integer dot products of `queryCount` i16 queries (a multiple of 4) with `count` listed i8 rows, in
  ;; blocks of 4 queries x 2 rows: each row chunk is widened once for four queries and each query chunk is
  ;; loaded once for two rows, so the eight multiply-add chains keep the SIMD units busy (compute-bound).
  ;; out[q * count + i] = query q . i8matrix[rows[i]].
  (func $dotI8Four (export "dotI8Four") (param $queries i32) (param $queryCount i32) (param $matrix i32) (param $stride i32) (param $rows i32) (param $count i32) (param $out i32)
    (local $block i32) (local $i i32) (local $j i32) (local $j2 i32) (local $last i32) (local $at i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $p0 i32) (local $p1 i32)
    (local $x0l v128) (local $x0h v128) (local $x1l v128) (local $x1h v128) (local $ql v128) (local $qh v128) (local $x v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128) (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local.set $last (i32.sub (local.get $count) (i32.const 1)))
    (block $queriesDone
      (loop $queryBlocks
        (br_if $queriesDone (i32.ge_u (local.get $block) (local.get $queryCount)))
        (local.set $q0 (i32.add (local.get $queries) (i32.mul (local.get $block) (i32.shl (local.get $stride) (i32.const 1)))))
        (local.set $q1 (i32.add (local.get $q0) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $q2 (i32.add (local.get $q1) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $q3 (i32.add (local.get $q2) (i32.shl (local.get $stride) (i32.const 1))))
        (local.set $o0 (i32.add (local.get $out) (i32.shl (i32.mul (local.get $block) (local.get $count)) (i32.const 2))))
        (local.set $o1 (i32.add (local.get $o0) (i32.shl (local.get $count) (i32.const 2))))
        (local.set $o2 (i32.add (local.get $o1) (i32.shl (local.get $count) (i32.const 2))))
        (local.set $o3 (i32.add (local.get $o2) (i32.shl (local.get $count) (i32.const 2))))
        (local.set $i (i32.const 0))
        (block $rowsDone
          (loop $rowPairs
            (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $count)))
            (local.set $p0 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (local.get $i) (local.get $last) (i32.lt_u (local.get $i) (local.get $count))) (i32.const 2)))) (local.get $stride))))
            (local.set $p1 (i32.add (local.get $matrix) (i32.mul (i32.load (i32.add (local.get $rows) (i32.shl (select (i32.add (local.get $i) (i32.const 1)) (local.get $last) (i32.lt_u (i32.add (local.get $i) (i32.const 1)) (local.get $count))) (i32.const 2)))) (local.get $stride))))
            (local.set $a00 (v128.const i32x4 0 0 0 0))
            (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $a10 (v128.const i32x4 0 0 0 0))
            (local.set $a11 (v128.const i32x4 0 0 0 0))
            (local.set $a20 (v128.const i32x4 0 0 0 0))
            (local.set $a21 (v128.const i32x4 0 0 0 0))
            (local.set $a30 (v128.const i32x4 0 0 0 0))
            (local.set $a31 (v128.const i32x4 0 0 0 0))
            (local.set $j (i32.const 0))
            (local.set $j2 (i32.const 0))
            (loop $dims
              (local.set $x (v128.load (i32.add (local.get $p0) (local.get $j))))
              (local.set $x0l (i16x8.extend_low_i8x16_s (local.get $x)))
              (local.set $x0h (i16x8.extend_high_i8x16_s (local.get $x)))
              (local.set $x (v128.load (i32.add (local.get $p1) (local.get $j))))
              (local.set $x1l (i16x8.extend_low_i8x16_s (local.get $x)))
              (local.set $x1h (i16x8.extend_high_i8x16_s (local.get $x)))
              (local.set $ql (v128.load (i32.add (local.get $q0) (local.get $j2))))
              (local.set $qh (v128.load offset=16 (i32.add (local.get $q0) (local.get $j2))))
              (local.set $a00 (i32x4.add (local.get $a00) (i32x4.add (i32x4.dot_i16x8_s (local.get $x0l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x0h) (local.get $qh)))))
              (local.set $a01 (i32x4.add (local.get $a01) (i32x4.add (i32x4.dot_i16x8_s (local.get $x1l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x1h) (local.get $qh)))))
              (local.set $ql (v128.load (i32.add (local.get $q1) (local.get $j2))))
              (local.set $qh (v128.load offset=16 (i32.add (local.get $q1) (local.get $j2))))
              (local.set $a10 (i32x4.add (local.get $a10) (i32x4.add (i32x4.dot_i16x8_s (local.get $x0l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x0h) (local.get $qh)))))
              (local.set $a11 (i32x4.add (local.get $a11) (i32x4.add (i32x4.dot_i16x8_s (local.get $x1l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x1h) (local.get $qh)))))
              (local.set $ql (v128.load (i32.add (local.get $q2) (local.get $j2))))
              (local.set $qh (v128.load offset=16 (i32.add (local.get $q2) (local.get $j2))))
              (local.set $a20 (i32x4.add (local.get $a20) (i32x4.add (i32x4.dot_i16x8_s (local.get $x0l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x0h) (local.get $qh)))))
              (local.set $a21 (i32x4.add (local.get $a21) (i32x4.add (i32x4.dot_i16x8_s (local.get $x1l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x1h) (local.get $qh)))))
              (local.set $ql (v128.load (i32.add (local.get $q3) (local.get $j2))))
              (local.set $qh (v128.load offset=16 (i32.add (local.get $q3) (local.get $j2))))
              (local.set $a30 (i32x4.add (local.get $a30) (i32x4.add (i32x4.dot_i16x8_s (local.get $x0l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x0h) (local.get $qh)))))
              (local.set $a31 (i32x4.add (local.get $a31) (i32x4.add (i32x4.dot_i16x8_s (local.get $x1l) (local.get $ql)) (i32x4.dot_i16x8_s (local.get $x1h) (local.get $qh)))))
              (local.set $j (i32.add (local.get $j) (i32.const 16)))
              (local.set $j2 (i32.add (local.get $j2) (i32.const 32)))
              (br_if $dims (i32.lt_u (local.get $j) (local.get $stride))))
            ;; Sums as (q0 r0, q0 r1, q1 r0, q1 r1) and (q2 r0, q2 r1, q3 r0, q3 r1): each query's two are adjacent
            ;; in its output, so one 8-byte store writes them (one 4-byte store for a last, single row).
            (local.set $x (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a00) (local.get $a01)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a00) (local.get $a01))))
            (local.set $ql (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a10) (local.get $a11)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a10) (local.get $a11))))
            (local.set $x0l (i32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $ql)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $ql))))
            (local.set $x (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a20) (local.get $a21)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a20) (local.get $a21))))
            (local.set $ql (i32x4.add (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a30) (local.get $a31)) (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a30) (local.get $a31))))
            (local.set $x1l (i32x4.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $x) (local.get $ql)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $x) (local.get $ql))))
            (local.set $at (i32.shl (local.get $i) (i32.const 2)))
            (if (i32.lt_u (local.get $i) (local.get $last))
              (then
                (v128.store64_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $x0l))
                (v128.store64_lane 1 (i32.add (local.get $o1) (local.get $at)) (local.get $x0l))
                (v128.store64_lane 0 (i32.add (local.get $o2) (local.get $at)) (local.get $x1l))
                (v128.store64_lane 1 (i32.add (local.get $o3) (local.get $at)) (local.get $x1l)))
              (else
                (v128.store32_lane 0 (i32.add (local.get $o0) (local.get $at)) (local.get $x0l))
                (v128.store32_lane 2 (i32.add (local.get $o1) (local.get $at)) (local.get $x0l))
                (v128.store32_lane 0 (i32.add (local.get $o2) (local.get $at)) (local.get $x1l))
                (v128.store32_lane 2 (i32.add (local.get $o3) (local.get $at)) (local.get $x1l))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $rowPairs)))
        (local.set $block (i32.add (local.get $block) (i32.const 4)))
        (br $queryBlocks))))

  ;; The listed positions whose upper bound reaches `floor`: hits[n++] = i for each i < count with
  ;; alpha * scale[i] * dots[i] + base[i] + beta1 * slack[i] + beta2 >= floor, in order; returns n. Computed in
  ;; f32 four at a time, so it is only a prefilter: the caller passes a floor lowered by more than the f32
  ;; rounding and checks each hit in f64. Reads up to 3 entries past `count` of each array (never stored).
  (func (export "above") (param $dots i32) (param $count i32) (param $scale i32) (param $slack i32) (param $base i32)
    (param $alpha f32) (param $beta1 f32) (param $beta2 f32) (param $floor f32) (param $hits i32) (result i32)
    (local $i i32) (local $at i32) (local $n i32) (local $mask i32)
    (local $alphas v128) (local $beta1s v128) (local $beta2s v128) (local $floors v128)
    (local.set $alphas (f32x4.splat (local.get $alpha)))
    (local.set $beta1s (f32x4.splat (local.get $beta1)))
    (local.set $beta2s (f32x4.splat (local.get $beta2)))
    (local.set $floors (f32x4.splat (local.get $floor)))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $at (i32.shl (local.get $i) (i32.const 2)))
        (local.set $mask
          (i32x4.bitmask
            (f32x4.ge
              (f32x4.add
                (f32x4.add
                  (f32x4.mul (f32x4.mul (local.get $alphas) (v128.load (i32.add (local.get $scale) (local.get $at))))
                    (f32x4.convert_i32x4_s (v128.load (i32.add (local.get $dots) (local.get $at)))))
                  (v128.load (i32.add (local.get $base) (local.get $at))))
                (f32x4.add (f32x4.mul (local.get $beta1s) (v128.load (i32.add (local.get $slack) (local.get $at)))) (local.get $beta2s)))
              (local.get $floors))))
        ;; Positions past the end only pad the last quad.
        (if (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $count))
          (then (local.set $mask (i32.and (local.get $mask)
            (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $count) (local.get $i))) (i32.const 1))))))
        (block $none
          (loop $bits
            (br_if $none (i32.eqz (local.get $mask)))
            (i32.store (i32.add (local.get $hits) (i32.shl (local.get $n) (i32.const 2)))
              (i32.add (local.get $i) (i32.ctz (local.get $mask))))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
            (br $bits)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $quads)))
    (local.get $n))

  ;; Runs the i8 pass described by the control block at `control` (i32 words) one tile at a time, claiming
  ;; tiles with an atomic counter so that any number of threads can call it at once and share the work:
  ;;   0 next tile to claim   1 tiles done   2 tiles in this job   3 queries   4 query count (1: dotI8One)
  ;;   5 i8 matrix   6 stride   7 row list   8 rows listed   9 rows per tile   10 output of the job's tile 0
  ;;   11 bytes between tile outputs   12 flags: one i32 per tile, set to 1 when that tile is done
  ;; Tile t covers listed rows t * rowsPerTile onwards. Every finished tile sets its flag, then bumps word 1 and
  ;; wakes one waiter. The caller fills words 1 to 12 (and zeroes the flags) while word 0 is at or past word 2,
  ;; so nothing can be claimed, then stores 0 in word 0.
  (func (export "runTiles") (param $control i32)
    (local $tile i32)
    (block $done
      (loop $claim
        (local.set $tile (i32.atomic.rmw.add (local.get $control) (i32.const 1)))
        (br_if $done (i32.ge_u (local.get $tile) (i32.atomic.load offset=8 (local.get $control))))
        (call $runTile (local.get $control) (local.get $tile))
        (br $claim))))

  ;; Tile `tile` of the job at `control` (see runTiles), then counts it done.
  (func $runTile (param $control i32) (param $tile i32)
    (local $start i32) (local $rows i32) (local $list i32) (local $out i32)
    (local.set $start (i32.mul (local.get $tile) (i32.load offset=36 (local.get $control))))
    (local.set $rows (i32.sub (i32.load offset=32 (local.get $control)) (local.get $start)))
    (if (i32.gt_u (local.get $rows) (i32.load offset=36 (local.get $control)))
      (then (local.set $rows (i32.load offset=36 (local.get $control)))))
    (local.set $list (i32.add (i32.load offset=28 (local.get $control)) (i32.shl (local.get $start) (i32.const 2))))
    (local.set $out (i32.add (i32.load offset=40 (local.get $control)) (i32.mul (local.get $tile) (i32.load offset=44 (local.get $control)))))
    (if (i32.eq (i32.load offset=16 (local.get $control)) (i32.const 1))
      (then (call $dotI8One (i32.load offset=12 (local.get $control)) (i32.load offset=20 (local.get $control))
        (i32.load offset=24 (local.get $control)) (local.get $list) (local.get $rows) (local.get $out)))
      (else (call $dotI8Four (i32.load offset=12 (local.get $control)) (i32.load offset=16 (local.get $control))
        (i32.load offset=20 (local.get $control)) (i32.load offset=24 (local.get $control)) (local.get $list) (local.get $rows) (local.get $out))))
    (i32.atomic.store (i32.add (i32.load offset=48 (local.get $control)) (i32.shl (local.get $tile) (i32.const 2))) (i32.const 1))
    (drop (i32.atomic.rmw.add offset=4 (local.get $control) (i32.const 1)))
    (drop (memory.atomic.notify offset=4 (local.get $control) (i32.const 1))))
)
