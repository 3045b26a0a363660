// RUN: costopt-opt %s --pass-pipeline='builtin.module(nn.model(costopt-decompose-layers))' --mlir-print-local-scope | FileCheck %s
// RUN: costopt --formulas full --model convolutions %s > %t.layers
// RUN: costopt-opt %s --pass-pipeline='builtin.module(nn.model(costopt-decompose-layers))' > %t.mlir
// RUN: costopt --formulas full --model convolutions %t.mlir > %t.primitives
// RUN: cat %t.layers %t.primitives | FileCheck %s --check-prefix=TOTALS
// RUN: costopt --formulas full --model strides %s > %t.strides.layers
// RUN: costopt --formulas full --model strides %t.mlir > %t.strides.primitives
// RUN: cat %t.strides.layers %t.strides.primitives | FileCheck %s --check-prefix=STRIDES
// RUN: costopt --formulas full --model recurrences %s > %t.rnn.layers
// RUN: costopt --formulas full --model recurrences %t.mlir > %t.rnn.primitives
// RUN: cat %t.rnn.layers %t.rnn.primitives | FileCheck %s --check-prefix=RECURRENCES

// Every nn.conv with an integer stride and dilations becomes blocks of
// primitives: one contraction per layer reads the input at
// t·stride + j·dilation - pad (a symbolic pad is a map symbol), kernels are
// [c_out, c_in/groups, k] as PyTorch stores them.

// A causal kernel of symbolic width pads k - 1 zeros before position 0.
// CHECK-LABEL: nn.model @causal
// CHECK: nn.block "nn.conv" (%[[A:.+]] = %{{.+}}) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
// CHECK-NEXT: %[[W:.+]] = nn.param : <[d, d, k]>
// CHECK-NEXT: %[[B:.+]] = nn.param : <[d]>
// CHECK-NEXT: nn.contract %[[A]], %[[W]], %[[B]] {indexing_maps = [affine_map<(d0, d1, d2, d3, d4)[s0] -> (d0, d1 + d3 - s0, d4)>, affine_map<(d0, d1, d2, d3, d4)[s0] -> (d2, d4, d3)>, affine_map<(d0, d1, d2, d3, d4)[s0] -> (d0, d1, d2)>], symbols = [k - 1]}
nn.model @causal(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) {
  %y = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Strided and centred, over an input without batch axes, widening: the
// centred pad floor((k - 1)/2) is a symbol.
// CHECK-LABEL: nn.model @strided
// CHECK: nn.param : <[2*d, d, k]>
// CHECK: nn.contract {{.*}}affine_map<(d0, d1, d2, d3)[s0] -> (d0 * 2 + d2 - s0, d3)>, affine_map<(d0, d1, d2, d3)[s0] -> (d1, d3, d2)>, affine_map<(d0, d1, d2, d3)[s0] -> (d0, d1)>], symbols = [floor(k/2 - 1/2)]}
// CHECK-SAME: -> !nn.seq<[ceil(n/2), 2*d]>
nn.model @strided(%x: !nn.seq<[n, d]>) symbols(n, d, k) {
  %y = nn.conv %x {kernel = k, stride = 2} : !nn.seq<[n, d]> -> !nn.seq<[ceil(n/2), 2*d]>
  nn.output %y : !nn.seq<[ceil(n/2), 2*d]>
}

// "valid": no padding; no bias.
// CHECK-LABEL: nn.model @valid
// CHECK: nn.param : <[d, d, 3]>
// CHECK-NEXT: nn.contract %{{[^,]+}}, %{{[^,]+}} {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3 * 2, d4)>,
// CHECK-SAME: -> !nn.seq<[b, n - 4, d]>
nn.model @valid(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) where (n >= 5) {
  %y = nn.conv %x {kernel = 3, dilation = 2, padding = "valid", no_bias} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 4, d]>
  nn.output %y : !nn.seq<[b, n - 4, d]>
}

// Depthwise: each channel alone, kernels [d, 1, k]; a centred even kernel
// of dilation 3 pads 3·floor(3/2) = 3 before.
// CHECK-LABEL: nn.model @depthwise
// CHECK: nn.param : <[d, 1, 4]>
// CHECK: nn.contract {{.*}}affine_map<(d0, d1, d2, d3) -> (d0, d1 + d3 * 3 - 3, d2)>, affine_map<(d0, d1, d2, d3) -> (d2, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]}
nn.model @depthwise(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %y = nn.conv %x {kernel = 4, dilation = 3, depthwise} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// A constant number of groups: each group's channels sliced out,
// convolved and joined again.
// CHECK-LABEL: nn.model @grouped
// CHECK: %[[G0:.+]] = nn.extract %{{.+}} {dim = 2, offset = 0} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/2]>
// CHECK-NEXT: nn.param : <[d/2, d/2, 3]>
// CHECK-NEXT: nn.param : <[d/2]>
// CHECK-NEXT: %[[Y0:.+]] = nn.contract %[[G0]]
// CHECK: %[[G1:.+]] = nn.extract %{{.+}} {dim = 2, offset = d/2}
// CHECK: %[[Y1:.+]] = nn.contract %[[G1]]
// CHECK-NEXT: nn.concat %[[Y0]], %[[Y1]] {dim = 2} : !nn.seq<[b, n, d/2]> -> !nn.seq<[b, n, d]>
nn.model @grouped(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) where (d mod 2 == 0) {
  %y = nn.conv %x {kernel = 3, groups = 2, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Separable: depthwise taps, then a pointwise [2·d, d, 1] contraction.
// CHECK-LABEL: nn.model @separable
// CHECK: nn.param : <[d, 1, k]>
// CHECK: %[[DW:.+]] = nn.contract {{.*}}(d0, d1 + d3 - s0, d2)>, affine_map<(d0, d1, d2, d3)[s0] -> (d2, 0, d3)>
// CHECK-NEXT: nn.param : <[2*d, d, 1]>
// CHECK-NEXT: nn.param : <[2*d]>
// CHECK-NEXT: nn.contract %[[DW]], {{.*}}affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d2, d3, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>]}
nn.model @separable(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) {
  %y = nn.conv %x {kernel = k, separable, causal} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  nn.output %y : !nn.seq<[b, n, 2*d]>
}

// A dilation stack: one block per layer, each one step of depth.
// CHECK-LABEL: nn.model @stack
// CHECK: %[[L1:.+]] = nn.block "nn.conv"
// CHECK: nn.contract {{.*}}(d0, d1 + d3 - 1, d4)>
// CHECK: nn.block "nn.conv" (%{{.+}} = %[[L1]])
// CHECK: nn.contract {{.*}}(d0, d1 + d3 * 2 - 2, d4)>
nn.model @stack(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %y = nn.conv %x {kernel = 2, dilations = [1, 2], causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// A symbolic dilation has no primitive form yet (an index map multiplies a
// dimension by an integer only): the layer stays.
// CHECK-LABEL: nn.model @symbolic_dilation
// CHECK-NEXT: nn.conv
nn.model @symbolic_dilation(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, r) {
  %y = nn.conv %x {kernel = 2, dilation = r, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// The two derivations of a chain of every kind: equal FLOPs, parameters,
// peak, bytes, depth, path and receptive field. Core FLOPs and decoding
// state differ by the conventions docs/Dialect.md names: the separable
// layer's pointwise half is not core at the primitive level (4·b·n·d²),
// and each contraction keeps its window's positions, the current one
// included.
// TOTALS-LABEL: Model @convolutions
// TOTALS: FLOPs [[FLOPS:2·b·n·d²·k.*]]
// TOTALS-NEXT: Table-1 core FLOPs (forward) 2·b·n·d²·k + 33·b·n·d² + 2·b·n·d·k + 12·b·d²·⌈n/2⌉ + 6·b·n·d − 24·b·d²
// TOTALS-NEXT: Parameters [[PARAMS:d²·k.*]]
// TOTALS: Peak activation memory [[PEAK:.+]]
// TOTALS-NEXT: KV cache / decoding state 8·b·d·k + 104·b·d
// TOTALS-NEXT: Bytes moved [[BYTES:.+]]
// TOTALS-NEXT: Sequential depth [[DEPTH:.+]]
// TOTALS-NEXT: Maximum path length [[PATH:.+]]
// TOTALS-NEXT: Receptive field 2·k + 21
// TOTALS-LABEL: Model @convolutions
// TOTALS: nn.conv 1 - - - - 2·b·n·d²·k + b·n·d
// TOTALS: FLOPs [[FLOPS]]
// TOTALS-NEXT: Table-1 core FLOPs (forward) 2·b·n·d²·k + 29·b·n·d² + 2·b·n·d·k + 12·b·d²·⌈n/2⌉ + 6·b·n·d − 24·b·d²
// TOTALS-NEXT: Parameters [[PARAMS]]
// TOTALS: Peak activation memory [[PEAK]]
// TOTALS-NEXT: KV cache / decoding state 8·b·d·min(k, n) + 4·b·d·min(n, 10) + 108·b·d
// TOTALS-NEXT: Bytes moved [[BYTES]]
// TOTALS-NEXT: Sequential depth [[DEPTH]]
// TOTALS-NEXT: Maximum path length [[PATH]]
// TOTALS-NEXT: Receptive field 2·k + 21
nn.model @convolutions(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) where (k >= 2, n >= 5, d mod 2 == 0) {
  %c = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  %e = nn.conv %c {kernel = 4, dilation = 3, no_bias} : !nn.seq<[b, n, d]>
  %dw = nn.conv %e {kernel = k, depthwise, causal} : !nn.seq<[b, n, d]>
  %g = nn.conv %dw {kernel = 3, groups = 2, causal} : !nn.seq<[b, n, d]>
  %st = nn.conv %g {kernel = 2, dilations = [1, 2, 4], causal} : !nn.seq<[b, n, d]>
  %sp = nn.conv %st {kernel = 3, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  %s = nn.conv %sp {kernel = 3, stride = 2} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, ceil(n/2), d]>
  %v = nn.conv %x {kernel = 3, dilation = 2, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 4, d]>
  nn.output %s, %v : !nn.seq<[b, ceil(n/2), d]>, !nn.seq<[b, n - 4, d]>
}

// A kernel after a stride-2 one reaches twice as far in the input: at both
// levels the receptive field is 1 + (k - 1) + 2 + 2·2.
// STRIDES: Receptive field k + 6
// STRIDES: Receptive field k + 6
nn.model @strides(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) where (k >= 2) {
  %c = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  %s = nn.conv %c {kernel = 3, stride = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d]>
  %w = nn.conv %s {kernel = 3, causal} : !nn.seq<[b, ceil(n/2), d]>
  nn.output %w : !nn.seq<[b, ceil(n/2), d]>
}

// Between recurrences a contiguous kernel carries k - 1 positions in its one
// hop, a dilated one not every distance: an upper bound at both levels.
// RECURRENCES: Maximum path length (upper bound) n − k + 4
// RECURRENCES: Maximum path length (upper bound) n − k + 4
nn.model @recurrences(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) where (k >= 2, k <= n) {
  %c = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  %r = nn.recurrent %c {cell = "elman", hidden = d} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  %e = nn.conv %r {kernel = 2, dilation = 2, causal} : !nn.seq<[b, n, d]>
  %s = nn.recurrent %e {cell = "elman", hidden = d} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}
