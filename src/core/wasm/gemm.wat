;; Netwright's matrix-product kernel: a packed, cache-blocked GEMM over float32 in WebAssembly SIMD.
;;
;; Assembled by build/assemble-wasm.ts (the `wabt` package) into src/core/wasm/gemm.generated.ts; kernels.ts drives it.
;; The scheme is the classic one (Goto & van de Geijn): the caller cuts C += op(A)·op(B) into blocks of
;; KC (depth) × NC (columns) × MC (rows), packs each block of B and of A once into the layouts below, and calls
;; `gebp` to multiply the packed block, one 4×8 register tile of C at a time.
;;
;;   packed A: panels of 4 rows;    in a panel, for each k the 4 values A(i..i+3, k)   (rows past m are 0)
;;   packed B: panels of 8 columns; in a panel, for each k the 8 values B(k, j..j+7)   (columns past n are 0)
;;
;; The tile: 8 f32x4 accumulators (4 rows × 2 vectors of 4 columns), 2 vectors of B, one splat of A and one
;; product: 12 vector registers. (A 6×8 tile needs 16 with the separate product; V8 keeps 15 of x64's 16 for
;; WebAssembly and spilled four accumulators to the stack in every turn of the loop, which measured a third slower
;; than this 4×8 tile; 5×8 measured in between.) Every multiply-add below is written
;;   (local.set $cRV (f32x4.add (local.get $cRV) (f32x4.mul (local.get $a) (local.get $bV))))
;; one per line: a separate product and sum, each rounded to float32, so results are the same on every engine.
;; build/assemble-wasm.ts also assembles a second module in which each such line becomes
;;   (local.set $cRV (f32x4.relaxed_madd (local.get $a) (local.get $bV) (local.get $cRV)))
;; (relaxed SIMD: a fused multiply-add where the hardware has one); see docs/kernels.md.
;;
;; Addresses are byte offsets into the exported memory; strides are in float32 elements.
(module
  (memory (export "mem") 1)

  ;; Pack the m×k block of A whose element (i, kk) is at src + 4·(i·rs + kk·cs) into panels of 4 rows at dst.
  ;; Whole panels are packed four values at a time: a column-major A (rs = 1, as in Aᵀ·B) is copied one vector per k;
  ;; a row-major A (cs = 1) is read as four rows of four k and transposed in registers. The rest, and panels cut
  ;; short by m, go one value at a time.
  (func $packA (export "packA") (param $src i32) (param $rs i32) (param $cs i32) (param $m i32) (param $k i32) (param $dst i32)
    (local $i0 i32) (local $kk i32) (local $r i32) (local $s i32) (local $rows i32) (local $k4 i32)
    (local $rowMajor i32) (local $colMajor i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rowMajor (i32.eq (local.get $cs) (i32.const 1)))
    (local.set $colMajor (i32.eq (local.get $rs) (i32.const 1)))
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $i0) (local.get $m)))
        ;; rows of this panel that exist (the rest are padded with zeros)
        (local.set $rows (i32.sub (local.get $m) (local.get $i0)))
        (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
        (local.set $kk (i32.const 0))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $i0) (local.get $rs))))
        (if (i32.eq (local.get $rows) (i32.const 4))
          (then
            (if (local.get $colMajor)
              (then
                ;; A(i0..i0+3, kk) are four neighbours: one vector per k
                (block $copied
                  (loop $copy
                    (br_if $copied (i32.ge_u (local.get $kk) (local.get $k)))
                    (v128.store (local.get $dst) (v128.load (local.get $s)))
                    (local.set $s (i32.add (local.get $s) (local.get $cs)))
                    (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                    (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
                    (br $copy))))
              (else (if (local.get $rowMajor)
                (then
                  ;; four rows × four k, transposed: out_k = (A(i0, k), A(i0+1, k), A(i0+2, k), A(i0+3, k))
                  (block $transposed
                    (loop $transpose
                      (br_if $transposed (i32.ge_u (local.get $kk) (local.get $k4)))
                      (local.set $r0 (v128.load (local.get $s)))
                      (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $rs))))
                      (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $rs) (i32.const 1)))))
                      (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rs) (i32.const 3)))))
                      ;; t0 = (r0[0] r1[0] r0[1] r1[1]), t1 = (r0[2] r1[2] r0[3] r1[3]), t2, t3 the same of r2, r3
                      (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                      (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                      (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                      (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                      (v128.store (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                      (v128.store offset=16 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                      (v128.store offset=32 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                      (v128.store offset=48 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                      (local.set $s (i32.add (local.get $s) (i32.const 16)))
                      (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
                      (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
                      (br $transpose)))))))))
        ;; whatever is left, one value at a time (s points at A(i0, kk))
        (block $packed
          (loop $depth
            (br_if $packed (i32.ge_u (local.get $kk) (local.get $k)))
            (local.set $r (i32.const 0))
            (loop $row
              (if (i32.lt_u (local.get $r) (local.get $rows))
                (then (f32.store (local.get $dst) (f32.load (i32.add (local.get $s) (i32.mul (local.get $r) (local.get $rs))))))
                (else (f32.store (local.get $dst) (f32.const 0))))
              (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $row (i32.lt_u (local.get $r) (i32.const 4))))
            (local.set $s (i32.add (local.get $s) (local.get $cs)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $depth)))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 4)))
        (br $panels))))

  ;; Pack the k×n block of B whose element (kk, j) is at src + 4·(kk·rs + j·cs) into panels of 8 columns at dst.
  ;; Whole panels of a row-major B (cs = 1) are copied as two vectors per k.
  (func $packB (export "packB") (param $src i32) (param $rs i32) (param $cs i32) (param $k i32) (param $n i32) (param $dst i32)
    (local $j0 i32) (local $kk i32) (local $c i32) (local $s i32) (local $cols i32) (local $contiguous i32)
    (local.set $contiguous (i32.eq (local.get $cs) (i32.const 1)))
    (local.set $rs (i32.shl (local.get $rs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $cs) (i32.const 2)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $j0) (local.get $n)))
        (local.set $cols (i32.sub (local.get $n) (local.get $j0)))
        (if (i32.gt_u (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $j0) (local.get $cs))))
        (local.set $kk (i32.const 0))
        (if (i32.and (local.get $contiguous) (i32.eq (local.get $cols) (i32.const 8)))
          (then
            (loop $depth
              (v128.store (local.get $dst) (v128.load (local.get $s)))
              (v128.store offset=16 (local.get $dst) (v128.load offset=16 (local.get $s)))
              (local.set $s (i32.add (local.get $s) (local.get $rs)))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
              (br_if $depth (i32.lt_u (local.get $kk) (local.get $k)))))
          (else
            (loop $depth
              (local.set $c (i32.const 0))
              (loop $col
                (if (i32.lt_u (local.get $c) (local.get $cols))
                  (then (f32.store (local.get $dst)
                    (f32.load (i32.add (local.get $s) (i32.mul (local.get $c) (local.get $cs))))))
                  (else (f32.store (local.get $dst) (f32.const 0))))
                (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
                (local.set $c (i32.add (local.get $c) (i32.const 1)))
                (br_if $col (i32.lt_u (local.get $c) (i32.const 8))))
              (local.set $s (i32.add (local.get $s) (local.get $rs)))
              (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
              (br_if $depth (i32.lt_u (local.get $kk) (local.get $k))))))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $panels))))

  ;; C (m×n, row stride ldc, at c) += packed A (m×k, at pa) · packed B (k×n, at pb), for k ≥ 1.
  ;; For each 8-column panel of B (kept in L1 while it is used) and each 4-row panel of A, one register tile.
  ;; A tile that sticks out of C (m or n not a multiple of 4 or 8) is written to the 4×8 scratch tile at tmp and
  ;; only its part inside C is added, so the edges run through the same vector loop.
  (func $gebp (export "gebp") (param $pa i32) (param $pb i32) (param $m i32) (param $n i32) (param $k i32)
                        (param $c i32) (param $ldc i32) (param $tmp i32)
    (local $jr i32) (local $ir i32) (local $rows i32) (local $cols i32) (local $kk i32)
    (local $p i32) (local $q i32) (local $t i32) (local $r i32) (local $col i32) (local $panelA i32) (local $panelB i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128)
    (local $c30 v128) (local $c31 v128)
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $panelA (i32.mul (local.get $k) (i32.const 16)))
    (local.set $panelB (i32.mul (local.get $k) (i32.const 32)))
    (loop $columns
      (local.set $cols (i32.sub (local.get $n) (local.get $jr)))
      (if (i32.gt_u (local.get $cols) (i32.const 8)) (then (local.set $cols (i32.const 8))))
      (local.set $ir (i32.const 0))
      (loop $rowsLoop
        (local.set $rows (i32.sub (local.get $m) (local.get $ir)))
        (if (i32.gt_u (local.get $rows) (i32.const 4)) (then (local.set $rows (i32.const 4))))
        (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
        (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
        (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
        (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $pa))
        (local.set $q (local.get $pb))
        (local.set $kk (local.get $k))
        ;; The inner loop: one k per turn, 8 multiply-adds.
        (loop $depth
          (local.set $b0 (v128.load (local.get $q)))
          (local.set $b1 (v128.load offset=16 (local.get $q)))
          (local.set $a (v128.load32_splat (local.get $p)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $p)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $p)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $p)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
          (br_if $depth (local.get $kk)))
        (local.set $t (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $ir) (i32.shr_u (local.get $ldc) (i32.const 2))) (local.get $jr)) (i32.const 2))))
        (if (i32.and (i32.eq (local.get $rows) (i32.const 4)) (i32.eq (local.get $cols) (i32.const 8)))
          (then
            ;; A whole tile: add the 8 vectors to C's 4 rows.
            (v128.store (local.get $t) (f32x4.add (v128.load (local.get $t)) (local.get $c00)))
            (v128.store offset=16 (local.get $t) (f32x4.add (v128.load offset=16 (local.get $t)) (local.get $c01)))
            (local.set $t (i32.add (local.get $t) (local.get $ldc)))
            (v128.store (local.get $t) (f32x4.add (v128.load (local.get $t)) (local.get $c10)))
            (v128.store offset=16 (local.get $t) (f32x4.add (v128.load offset=16 (local.get $t)) (local.get $c11)))
            (local.set $t (i32.add (local.get $t) (local.get $ldc)))
            (v128.store (local.get $t) (f32x4.add (v128.load (local.get $t)) (local.get $c20)))
            (v128.store offset=16 (local.get $t) (f32x4.add (v128.load offset=16 (local.get $t)) (local.get $c21)))
            (local.set $t (i32.add (local.get $t) (local.get $ldc)))
            (v128.store (local.get $t) (f32x4.add (v128.load (local.get $t)) (local.get $c30)))
            (v128.store offset=16 (local.get $t) (f32x4.add (v128.load offset=16 (local.get $t)) (local.get $c31))))
          (else
            ;; An edge tile: through the scratch tile, then the part inside C, one value at a time.
            (v128.store (local.get $tmp) (local.get $c00)) (v128.store offset=16 (local.get $tmp) (local.get $c01))
            (v128.store offset=32 (local.get $tmp) (local.get $c10)) (v128.store offset=48 (local.get $tmp) (local.get $c11))
            (v128.store offset=64 (local.get $tmp) (local.get $c20)) (v128.store offset=80 (local.get $tmp) (local.get $c21))
            (v128.store offset=96 (local.get $tmp) (local.get $c30)) (v128.store offset=112 (local.get $tmp) (local.get $c31))
            (local.set $r (i32.const 0))
            (loop $edgeRows
              (local.set $col (i32.const 0))
              (loop $edgeCols
                (f32.store (i32.add (local.get $t) (i32.shl (local.get $col) (i32.const 2)))
                  (f32.add
                    (f32.load (i32.add (local.get $t) (i32.shl (local.get $col) (i32.const 2))))
                    (f32.load (i32.add (local.get $tmp) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $col)) (i32.const 2))))))
                (local.set $col (i32.add (local.get $col) (i32.const 1)))
                (br_if $edgeCols (i32.lt_u (local.get $col) (local.get $cols))))
              (local.set $t (i32.add (local.get $t) (local.get $ldc)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br_if $edgeRows (i32.lt_u (local.get $r) (local.get $rows))))))
        (local.set $pa (i32.add (local.get $pa) (local.get $panelA)))
        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
        (br_if $rowsLoop (i32.lt_u (local.get $ir) (local.get $m))))
      ;; back to the first panel of A for the next panel of B
      (local.set $pa (i32.sub (local.get $pa) (i32.mul (local.get $panelA) (i32.div_u (i32.add (local.get $m) (i32.const 3)) (i32.const 4)))))
      (local.set $pb (i32.add (local.get $pb) (local.get $panelB)))
      (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
      (br_if $columns (i32.lt_u (local.get $jr) (local.get $n)))))

  ;; A whole product, blocked: C (m×n at c, row stride ldc) += op(A)·op(B), where op(A)(i, kk) is at
  ;; a + 4·(i·ars + kk·acs) and op(B)(kk, j) at b + 4·(kk·brs + j·bcs); m, n, k ≥ 1 (0 does nothing). pa, pb and tmp
  ;; are this caller's workspace: MC·KC and NC·KC floats for the packed blocks, 32 for the scratch tile.
  ;;   for each block of NC columns:  for each block of KC depth:  pack B's block;  for each block of MC rows:
  ;;     pack A's block, gebp
  ;; Each value of C is summed k in order within a KC block, from zero, then added to C: the result depends on KC
  ;; only, not on which rows and columns of C a call is given (so threads that split C agree bit for bit).
  (func (export "gemm") (param $a i32) (param $ars i32) (param $acs i32) (param $b i32) (param $brs i32) (param $bcs i32)
                        (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32)
                        (param $pa i32) (param $pb i32) (param $tmp i32)
    (local $jc i32) (local $pc i32) (local $ic i32) (local $nc i32) (local $kc i32) (local $mc i32)
    (block $columnsDone
      (loop $columns
        (br_if $columnsDone (i32.ge_s (local.get $jc) (local.get $n)))
        (local.set $nc (i32.sub (local.get $n) (local.get $jc)))
        (if (i32.gt_s (local.get $nc) (i32.const 512)) (then (local.set $nc (i32.const 512))))
        (local.set $pc (i32.const 0))
        (block $depthDone
          (loop $depth
            (br_if $depthDone (i32.ge_s (local.get $pc) (local.get $k)))
            (local.set $kc (i32.sub (local.get $k) (local.get $pc)))
            (if (i32.gt_s (local.get $kc) (i32.const 256)) (then (local.set $kc (i32.const 256))))
            (call $packB
              (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $pc) (local.get $brs)) (i32.mul (local.get $jc) (local.get $bcs))) (i32.const 2)))
              (local.get $brs) (local.get $bcs) (local.get $kc) (local.get $nc) (local.get $pb))
            (local.set $ic (i32.const 0))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.ge_s (local.get $ic) (local.get $m)))
                (local.set $mc (i32.sub (local.get $m) (local.get $ic)))
                (if (i32.gt_s (local.get $mc) (i32.const 96)) (then (local.set $mc (i32.const 96))))
                (call $packA
                  (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $ars)) (i32.mul (local.get $pc) (local.get $acs))) (i32.const 2)))
                  (local.get $ars) (local.get $acs) (local.get $mc) (local.get $kc) (local.get $pa))
                (call $gebp (local.get $pa) (local.get $pb) (local.get $mc) (local.get $nc) (local.get $kc)
                  (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $ic) (local.get $ldc)) (local.get $jc)) (i32.const 2)))
                  (local.get $ldc) (local.get $tmp))
                (local.set $ic (i32.add (local.get $ic) (i32.const 96)))
                (br $rows)))
            (local.set $pc (i32.add (local.get $pc) (i32.const 256)))
            (br $depth)))
        (local.set $jc (i32.add (local.get $jc) (i32.const 512)))
        (br $columns))))
)
