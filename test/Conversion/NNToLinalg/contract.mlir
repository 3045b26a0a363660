// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg=band-block-rows=0 --mlir-print-local-scope | FileCheck %s

// nn.contract becomes a linalg.generic: mulf + addf into a zero-filled init
// when a dimension is summed, mulf alone when nothing is; operands are padded
// and sliced where an index can leave them; a bias is one more generic; a
// masked contraction loops over the rows of its band.

// A plain matmul: the summed dimension is the only reduction iterator.
// CHECK-LABEL: func.func @matmul(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b", costopt.role = "symbol"}
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n", costopt.role = "symbol"}
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d", costopt.role = "symbol"}
// CHECK-SAME: %[[F:[^:]+]]: index {costopt.name = "f", costopt.role = "symbol"}
// CHECK-SAME: %{{[^:]+}}: memref<?xi64> {costopt.name = "counters", costopt.role = "counters"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {bufferization.writable = false, costopt.name = "input0", costopt.role = "input", costopt.shape = ["b", "n", "d"]}
// CHECK-SAME: %[[W:[^:]+]]: tensor<?x?xf32> {bufferization.writable = false, costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["d", "f"]}
// CHECK-SAME: %[[OUT:[^:]+]]: memref<?x?x?xf32> {costopt.name = "output0", costopt.role = "output", costopt.shape = ["b", "n", "f"]}
// CHECK-SAME: costopt.layer_count = 2 : i64
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]], %[[F]]) : tensor<?x?x?xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[INIT:.+]] = linalg.fill {costopt.layer = 1 : i64} ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<?x?x?xf32>)
// CHECK-NEXT: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>, affine_map<(d0, d1, d2, d3) -> (d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<?x?x?xf32>, tensor<?x?xf32>) outs(%[[INIT]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 1 : i64}
// CHECK-NEXT: ^bb0(%[[L:[^:]+]]: f32, %[[RH:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[L]], %[[RH]] : f32
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[P]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: bufferization.materialize_in_destination %[[R]] in restrict writable %[[OUT]]
// CHECK-NEXT: return
nn.model @matmul(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) {
  %w = nn.param : !nn.tensor<[d, f]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]> -> !nn.seq<[b, n, f]>
  nn.output %y : !nn.seq<[b, n, f]>
}

// -----

// An outer product sums nothing: no fill, every iterator parallel, a
// multiply alone.
// CHECK-LABEL: func.func @outer(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[Y:[^:]+]]: tensor<?xf32> {{[^}]*}}costopt.name = "input1"
// CHECK-NOT: linalg.fill
// CHECK: %[[EMPTY:.+]] = tensor.empty
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[Y]] : tensor<?x?xf32>, tensor<?xf32>) outs(%[[EMPTY]] : tensor<?x?x?xf32>)
// CHECK-NEXT: ^bb0(%[[A:[^:]+]]: f32, %[[C:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[A]], %[[C]] : f32
// CHECK-NEXT: linalg.yield %[[P]] : f32
nn.model @outer(%x: !nn.seq<[b, n]>, %y: !nn.tensor<[d]>) symbols(b, n, d) {
  %z = nn.contract %x, %y {indexing_maps = [affine_map<(b, n, d) -> (b, n)>, affine_map<(b, n, d) -> (d)>, affine_map<(b, n, d) -> (b, n, d)>]} : !nn.seq<[b, n]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]>
  nn.output %z : !nn.seq<[b, n, d]>
}

// -----

// A bias is a second generic that adds it (read through a projected map)
// to the contraction's result, in the same layer.
// CHECK-LABEL: func.func @bias(
// CHECK-SAME: %[[W:[^:]+]]: tensor<?x?xf32> {{[^}]*}}costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["d", "f"]}
// CHECK-SAME: %[[C:[^:]+]]: tensor<?xf32> {{[^}]*}}costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["f"]}
// CHECK: %[[MM:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[C]] : tensor<?xf32>) outs(%[[MM]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK-NEXT: ^bb0(%[[BIAS:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[BIAS]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: bufferization.materialize_in_destination %[[R]]
nn.model @bias(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) {
  %w = nn.param : !nn.tensor<[d, f]>
  %c = nn.param : !nn.tensor<[f]>
  %y = nn.contract %x, %w, %c {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]>, !nn.tensor<[f]> -> !nn.seq<[b, n, f]>
  nn.output %y : !nn.seq<[b, n, f]>
}

// -----

// A strided patchify (16·i + u) reads exactly [0, H): no pad, no slice, the
// map kept as written; H/16 is computed with divsi.
// CHECK-LABEL: func.func @patchify(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "H"
// CHECK-SAME: %[[IMG:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[W:[^:]+]]: tensor<16x?x?xf32> {{[^}]*}}costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["16", "c", "d"]}
// CHECK: %[[C16:.+]] = arith.constant 16 : index
// CHECK-NEXT: %[[P:.+]] = arith.divsi %[[H]], %[[C16]] : index
// CHECK-NOT: tensor.pad
// CHECK-NOT: tensor.extract_slice
// CHECK: tensor.empty(%[[B]], %[[P]], %{{.+}}) : tensor<?x?x?xf32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 * 16 + d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK-SAME: ins(%[[IMG]], %[[W]] : tensor<?x?x?xf32>, tensor<16x?x?xf32>)
nn.model @patchify(%img: !nn.tensor<[b, H, c]>) symbols(b, H, c, d) where (H mod 16 == 0) {
  %w = nn.param : !nn.tensor<[16, c, d]>
  %p = nn.contract %img, %w {indexing_maps = [affine_map<(b, i, o, u, k) -> (b, i * 16 + u, k)>, affine_map<(b, i, o, u, k) -> (u, k, o)>, affine_map<(b, i, o, u, k) -> (b, i, o)>]} : !nn.tensor<[b, H, c]>, !nn.tensor<[16, c, d]> -> !nn.tensor<[b, H/16, d]>
  nn.output %p : !nn.tensor<[b, H/16, d]>
}

// -----

// A "valid" convolution (t + j over n - k + 1 outputs) stays inside its
// input: neither padded nor sliced.
// CHECK-LABEL: func.func @valid_conv(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-NOT: tensor.pad
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>
// CHECK-SAME: ins(%[[X]], %{{.+}} : tensor<?x?x?xf32>, tensor<?x?x?xf32>)
nn.model @valid_conv(%x: !nn.seq<[b, n, c]>) symbols(b, n, c, k) where (k <= n) {
  %w = nn.param : !nn.tensor<[k, c, c]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i) -> (b, t + j, i)>, affine_map<(b, t, o, j, i) -> (j, i, o)>, affine_map<(b, t, o, j, i) -> (b, t, o)>]} : !nn.seq<[b, n, c]>, !nn.tensor<[k, c, c]> -> !nn.seq<[b, n - k + 1, c]>
  nn.output %y : !nn.seq<[b, n - k + 1, c]>
}

// -----

// A causal convolution, t + j - s0 with s0 = k - 1: the input is padded by
// k - 1 zeros below (nothing above), then sliced from 0 to n + k - 1, and
// the map loses its symbol.
// CHECK-LABEL: func.func @causal_conv(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[C:[^:]+]]: index {costopt.name = "c"
// CHECK-SAME: %[[K:[^:]+]]: index {costopt.name = "k"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[W:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "param@
// CHECK: %[[M1:.+]] = arith.constant -1 : index
// CHECK-NEXT: %[[LOW:.+]] = arith.addi %[[K]], %[[M1]] : index
// CHECK-NEXT: %[[KN:.+]] = arith.addi %[[K]], %[[N]] : index
// CHECK-NEXT: %[[M1B:.+]] = arith.constant -1 : index
// CHECK-NEXT: %[[SPAN:.+]] = arith.addi %[[KN]], %[[M1B]] : index
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[PAD:.+]] = tensor.pad %[[X]] low[0, %[[LOW]], 0] high[0, 0, 0]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[PAD]][0, 0, 0] [%[[B]], %[[SPAN]], %[[C]]] [1, 1, 1]
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d3, d4, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%[[SLICE]], %[[W]] :
nn.model @causal_conv(%x: !nn.seq<[b, n, c]>) symbols(b, n, c, k) {
  %w = nn.param : !nn.tensor<[k, c, c]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i)[s0] -> (b, t + j - s0, i)>, affine_map<(b, t, o, j, i)[s0] -> (j, i, o)>, affine_map<(b, t, o, j, i)[s0] -> (b, t, o)>], symbols = [k - 1]} : !nn.seq<[b, n, c]>, !nn.tensor<[k, c, c]> -> !nn.seq<[b, n, c]>
  nn.output %y : !nn.seq<[b, n, c]>
}

// -----

// A centred 3-tap convolution (t + j - 1) pads one zero on each side.
// CHECK-LABEL: func.func @same_conv(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[C:[^:]+]]: index {costopt.name = "c"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[SPAN:.+]] = arith.addi %[[N]], %[[C2]] : index
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 1, 0] high[0, 1, 0]
// CHECK: tensor.extract_slice %[[PAD]][0, 0, 0] [%[[B]], %[[SPAN]], %[[C]]] [1, 1, 1]
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>
nn.model @same_conv(%x: !nn.seq<[b, n, c]>) symbols(b, n, c) {
  %w = nn.param : !nn.tensor<[3, c, c]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i) -> (b, t + j - 1, i)>, affine_map<(b, t, o, j, i) -> (j, i, o)>, affine_map<(b, t, o, j, i) -> (b, t, o)>]} : !nn.seq<[b, n, c]>, !nn.tensor<[3, c, c]> -> !nn.seq<[b, n, c]>
  nn.output %y : !nn.seq<[b, n, c]>
}

// -----

// A positive offset that stays inside the input (t + j + 1 over n - k
// outputs) needs a slice but no pad.
// CHECK-LABEL: func.func @shifted(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[C:[^:]+]]: index {costopt.name = "c"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-NOT: tensor.pad
// CHECK: %[[SLICE:.+]] = tensor.extract_slice %[[X]][0, 1, 0] [%[[B]], %{{.+}}, %[[C]]] [1, 1, 1]
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 + d3, d4)>
// CHECK-SAME: ins(%[[SLICE]], %{{.+}} :
nn.model @shifted(%x: !nn.seq<[b, n, c]>) symbols(b, n, c, k) where (k < n) {
  %w = nn.param : !nn.tensor<[k, c, c]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i) -> (b, t + j + 1, i)>, affine_map<(b, t, o, j, i) -> (j, i, o)>, affine_map<(b, t, o, j, i) -> (b, t, o)>]} : !nn.seq<[b, n, c]>, !nn.tensor<[k, c, c]> -> !nn.seq<[b, n - k, c]>
  nn.output %y : !nn.seq<[b, n - k, c]>
}

// -----

// A causal score matrix, row by row (band-block-rows=0, the GPU's form;
// band-blocks.mlir and verify-band-blocks.test have the CPU's blocks): an
// scf.for over the rows p in [0, n) carries the zero-filled scores; row p
// runs the generic on q[:, p:p+1, :], the keys [lo, hi) = [0, min(n, p + 1))
// and the matching slice of the scores, and inserts it back.
// CHECK-LABEL: func.func @causal(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[Q:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[K:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input1"
// CHECK-SAME: %[[OUT:[^:]+]]: memref<?x?x?xf32> {costopt.name = "output0"
// CHECK: %[[ABOVE:.+]] = arith.constant 0 : index
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]], %[[N]]) : tensor<?x?x?xf32>
// CHECK: %[[INIT:.+]] = linalg.fill {{.*}}outs(%[[EMPTY]] :
// CHECK: %[[LOOP:.+]] = scf.for %[[ROW:[^ ]+]] = %{{.+}} to %[[N]] step %{{.+}} iter_args(%[[ACC:[^ ]+]] = %[[INIT]]) -> (tensor<?x?x?xf32>) {
// CHECK-NEXT: %[[LO:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[REACH:.+]] = arith.addi %[[ABOVE]], %[[C1]] : index
// CHECK-NEXT: %[[END:.+]] = arith.addi %[[ROW]], %[[REACH]] : index
// CHECK-NEXT: %[[HI0:.+]] = arith.minsi %[[N]], %[[END]] : index
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[HI:.+]] = arith.maxsi %[[Z]], %[[HI0]] : index
// CHECK-NEXT: %[[LEN:.+]] = arith.subi %[[HI]], %[[LO]] : index
// CHECK: %[[QROW:.+]] = tensor.extract_slice %[[Q]][0, %[[ROW]], 0] [%{{.+}}, 1, %{{.+}}] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x1x?xf32>
// CHECK: %[[KEYS:.+]] = tensor.extract_slice %[[K]][0, %[[LO]], 0] [%{{.+}}, %[[LEN]], %{{.+}}] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x?x?xf32>
// CHECK: %[[SROW:.+]] = tensor.extract_slice %[[ACC]][0, %[[ROW]], %[[LO]]] [%[[BD:[^,]+]], 1, %[[LEN]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x1x?xf32>
// CHECK-NEXT: %[[G:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[QROW]], %[[KEYS]] : tensor<?x1x?xf32>, tensor<?x?x?xf32>) outs(%[[SROW]] : tensor<?x1x?xf32>)
// CHECK: arith.mulf
// CHECK-NEXT: arith.addf
// CHECK: %[[INS:.+]] = tensor.insert_slice %[[G]] into %[[ACC]][0, %[[ROW]], %[[LO]]] [%[[BD]], 1, %[[LEN]]] [1, 1, 1]
// CHECK-NEXT: scf.yield %[[INS]] : tensor<?x?x?xf32>
// CHECK: bufferization.materialize_in_destination %[[LOOP]] in restrict writable %[[OUT]]
nn.model @causal(%q: !nn.seq<[b, n, e]>, %k: !nn.seq<[b, n, e]>) symbols(b, n, e) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(b, p, k, e) -> (b, p, e)>, affine_map<(b, p, k, e) -> (b, k, e)>, affine_map<(b, p, k, e) -> (b, p, k)>], mask = affine_set<(b, p, k, e) : (p - k >= 0)>} : !nn.seq<[b, n, e]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, n]>
  nn.output %s : !nn.seq<[b, n, n]>
}

// -----

// A causal window of w (p - w + 1 <= k <= p), row by row: the row's keys
// start at max(0, p - (w - 1)) (at most n).
// CHECK-LABEL: func.func @window(
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[W:[^:]+]]: index {costopt.name = "w"
// CHECK: %[[M1:.+]] = arith.constant -1 : index
// CHECK-NEXT: %[[BELOW:.+]] = arith.addi %[[W]], %[[M1]] : index
// CHECK: linalg.fill
// CHECK: scf.for %[[ROW:[^ ]+]] = %{{[^ ]+}} to %[[N]]
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[D:.+]] = arith.subi %[[ROW]], %[[BELOW]] : index
// CHECK-NEXT: %[[LO0:.+]] = arith.maxsi %[[Z]], %[[D]] : index
// CHECK-NEXT: %[[LO:.+]] = arith.minsi %[[N]], %[[LO0]] : index
// CHECK: %[[LEN:.+]] = arith.subi %[[HI:[^,]+]], %[[LO]] : index
// CHECK: tensor.extract_slice %{{.+}}[0, %[[LO]], 0] [%{{.+}}, %[[LEN]], %{{.+}}]
// CHECK: linalg.generic
// CHECK: tensor.insert_slice %{{.+}}[0, %[[ROW]], %[[LO]]] [%{{.+}}, 1, %[[LEN]]]
// CHECK-NEXT: scf.yield
nn.model @window(%q: !nn.seq<[b, n, e]>, %k: !nn.seq<[b, n, e]>) symbols(b, n, e, w) where (w <= n) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(b, p, k, e)[s0] -> (b, p, e)>, affine_map<(b, p, k, e)[s0] -> (b, k, e)>, affine_map<(b, p, k, e)[s0] -> (b, p, k)>], mask = affine_set<(b, p, k, e)[s0] : (p - k >= 0, k - p + s0 - 1 >= 0)>, symbols = [w]} : !nn.seq<[b, n, e]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, n]>
  nn.output %s : !nn.seq<[b, n, n]>
}

// -----

// A transposed convolution (stride 2, 3 taps, one cropped on each side)
// scatters into i * 2 + k - 1: it writes into a zero tensor spanning every
// written index, [-1, 2h - 1], and the result [0, 2h - 1) is sliced from 1.
// CHECK-LABEL: func.func @transposed_conv(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[C:[^:]+]]: index {costopt.name = "c"
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "h"
// CHECK: %[[TWOH:.+]] = arith.muli %{{.+}}, %[[H]] : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[SPAN:.+]] = arith.addi %[[TWOH]], %[[ONE]] : index
// CHECK: %[[LENGTH:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[SPAN]]) : tensor<?x4x?xf32>
// CHECK: %[[ZERO:.+]] = linalg.fill {{.*}}outs(%[[EMPTY]]
// CHECK: %[[SUM:.+]] = linalg.generic
// CHECK-SAME: affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2 * 2 + d4)>
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction"]
// CHECK-SAME: outs(%[[ZERO]] :
// CHECK: tensor.extract_slice %[[SUM]][0, 0, 1] [%[[B]], 4, %[[LENGTH]]] [1, 1, 1]
nn.model @transposed_conv(%x: !nn.tensor<[b, c, h]>) symbols(b, c, h) {
  %w = nn.param : !nn.tensor<[c, 4, 3]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(n, m, i, ci, k) -> (n, ci, i)>, affine_map<(n, m, i, ci, k) -> (ci, m, k)>, affine_map<(n, m, i, ci, k) -> (n, m, i * 2 + k - 1)>]} : !nn.tensor<[b, c, h]>, !nn.tensor<[c, 4, 3]> -> !nn.tensor<[b, 4, 2 * h - 1]>
  nn.output %y : !nn.tensor<[b, 4, 2 * h - 1]>
}

// -----

// A scatter into a constant index (nothing summed: one product per
// element) still starts from zeros, where no product lands.
// CHECK-LABEL: func.func @constant_scatter(
// CHECK: %[[EMPTY:.+]] = tensor.empty
// CHECK: %[[ZERO:.+]] = linalg.fill {{.*}}outs(%[[EMPTY]]
// CHECK: linalg.generic
// CHECK-SAME: affine_map<(d0, d1) -> (d0, d1, 0)>
// CHECK-SAME: outs(%[[ZERO]] :
nn.model @constant_scatter(%x: !nn.tensor<[b, 4]>) symbols(b) {
  %w = nn.param : !nn.tensor<[4]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j, 0)>]} : !nn.tensor<[b, 4]>, !nn.tensor<[4]> -> !nn.tensor<[b, 4, 3]>
  nn.output %y : !nn.tensor<[b, 4, 3]>
}
