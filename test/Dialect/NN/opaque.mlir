// RUN: costopt-opt %s | costopt-opt | FileCheck %s
// RUN: costopt %s --formulas full | FileCheck %s --check-prefix=REPORT
// RUN: costopt %s --formulas full --mode train | FileCheck %s --check-prefix=TRAIN
// RUN: costopt %s -D b=2 -D n=8 -D unknown_TopK=1000 | FileCheck %s --check-prefix=BOUND
// RUN: not costopt %s -D b=2 -D n=8 -D unknown_TopK=0 2>&1 | FileCheck %s --check-prefix=ZERO

// nn.opaque stands for an operation costopt cannot see into (an unknown
// ONNX operator imported with --allow-unknown): its FLOPs are stated, here
// as a symbol of their own, and everything else follows from the types.

// CHECK: nn.opaque %{{.*}} {flops = unknown_TopK, kind = "TopK"} : !nn.seq<[b, n, d]> -> (!nn.seq<[b, n, 4]>, !nn.seq<[b, n, 4]>)
// CHECK: nn.opaque %{{.*}} {flops = 0, kind = "Relayout"} : !nn.seq<[b, n, 4]>

// The stated FLOPs are a term of the total (an element-wise one: the
// backward pass is taken to cost them once more); the op reads its operand
// and writes both results; each result position may read every operand
// position: one hop of path length each, and a Table 1 row of its own.
// REPORT: nn.opaque O(unknown_TopK) O(1) O(1)
// REPORT: FLOPs 2·b·n·d² + unknown_TopK
// REPORT: Bytes moved 12·b·n·d + 64·b·n + 4·d²
// REPORT: Sequential depth 3 3
// REPORT: Maximum path length 2 2
// TRAIN: FLOPs 6·b·n·d² + 2·unknown_TopK
// BOUND: FLOPs 9,192
// A symbol is at least 1; an op whose cost is known to be 0 states 0.
// ZERO: symbol 'unknown_TopK' must be at least 1; got unknown_TopK = 0
nn.model @custom(%x: !nn.seq<[b, n, d]>) symbols(b, n, d = 16, unknown_TopK) {
  %w = nn.param : !nn.tensor<[d, d]>
  %h = nn.contract %x, %w {indexing_maps = [affine_map<(i, p, o, c) -> (i, p, c)>, affine_map<(i, p, o, c) -> (c, o)>, affine_map<(i, p, o, c) -> (i, p, o)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, d]> -> !nn.seq<[b, n, d]>
  %v, %i = nn.opaque %h {kind = "TopK", flops = unknown_TopK} : !nn.seq<[b, n, d]> -> (!nn.seq<[b, n, 4]>, !nn.seq<[b, n, 4]>)
  %r = nn.opaque %v {kind = "Relayout", flops = 0} : !nn.seq<[b, n, 4]>
  nn.output %r : !nn.seq<[b, n, 4]>
}
