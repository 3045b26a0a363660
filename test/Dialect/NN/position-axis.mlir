// RUN: costopt-opt %s -split-input-file | costopt-opt -split-input-file | FileCheck %s
// RUN: costopt %s --model head_split --formulas full | FileCheck %s --check-prefix=SPLIT
// RUN: costopt %s --model flattened --formulas full | FileCheck %s --check-prefix=FLAT
// RUN: costopt %s --model regrouped --formulas full | FileCheck %s --check-prefix=REGROUP

// `position = i` names the position axis of an !nn.seq when it is not the
// second to last: the layouts an imported graph computes in. The default
// spelled out is the same type, printed without it.

// CHECK-LABEL: nn.model @head_split
// CHECK: nn.reshape %{{.*}} : !nn.seq<[b, n, e*h]> -> !nn.seq<[b, n, h, e], position = 1>
// CHECK: nn.transpose %{{.*}} {permutation = [0, 2, 1, 3]} : !nn.seq<[b, n, h, e], position = 1> -> !nn.seq<[b, h, n, e]>
// CHECK: nn.transpose %{{.*}} {permutation = [0, 2, 3, 1]} : !nn.seq<[b, n, h, e], position = 1> -> !nn.seq<[b, h, e, n], position = 3>

// A head split [b, n, h·e] -> [b, n, h, e] keeps every position in place,
// and so do the transposes that move the positions along; the scores of
// Q against Kᵀ mix them: one hop, as attention's path length is.
// SPLIT: Sequential depth 3 3
// SPLIT: Maximum path length 1 1
nn.model @head_split(%x: !nn.seq<[b, n, h*e]>) symbols(b, n, h = 2, e = 4) {
  %v = nn.reshape %x : !nn.seq<[b, n, h*e]> -> !nn.seq<[b, n, h, e], position = 1>
  %q = nn.transpose %v {permutation = [0, 2, 1, 3]} : !nn.seq<[b, n, h, e], position = 1> -> !nn.seq<[b, h, n, e], position = 2>
  %k = nn.transpose %v {permutation = [0, 2, 3, 1]} : !nn.seq<[b, n, h, e], position = 1> -> !nn.seq<[b, h, e, n], position = 3>
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(i, j, p, t, c) -> (i, j, p, c)>, affine_map<(i, j, p, t, c) -> (i, j, c, t)>, affine_map<(i, j, p, t, c) -> (i, j, p, t)>]} : !nn.seq<[b, h, n, e]>, !nn.seq<[b, h, e, n], position = 3> -> !nn.seq<[b, h, n, n]>
  nn.output %s : !nn.seq<[b, h, n, n]>
}

// -----

// Flattening the batch into the positions for a matrix product and back
// ([b, n, d] -> [b·n, d] -> [b, n, d]), as exporters write a linear
// layer, keeps the positions in place: no path.
// FLAT: Maximum path length 0 0
nn.model @flattened(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %w = nn.param : !nn.tensor<[d, d]>
  %f = nn.reshape %x : !nn.seq<[b, n, d]> -> !nn.seq<[b*n, d]>
  %y = nn.contract %f, %w {indexing_maps = [affine_map<(p, j, k) -> (p, k)>, affine_map<(p, j, k) -> (k, j)>, affine_map<(p, j, k) -> (p, j)>]} : !nn.seq<[b*n, d]>, !nn.tensor<[d, d]> -> !nn.seq<[b*n, d]>
  %r = nn.reshape %y : !nn.seq<[b*n, d]> -> !nn.seq<[b, n, d]>
  nn.output %r : !nn.seq<[b, n, d]>
}

// -----

// Positions folded into features regroup them: every result position may
// hold any input position.
// REGROUP: Maximum path length 1 1
nn.model @regrouped(%x: !nn.seq<[b, 2*m, d]>) symbols(b, m, d) {
  %f = nn.reshape %x : !nn.seq<[b, 2*m, d]> -> !nn.seq<[b, m, 2*d]>
  nn.output %f : !nn.seq<[b, m, 2*d]>
}
