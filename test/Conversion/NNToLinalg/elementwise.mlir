// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg=band-block-rows=0 --mlir-print-local-scope | FileCheck %s

// nn.map and nn.reduce become linalg.generics: broadcast operands are read
// through projected maps (axes of extent 1 dropped by a rank-reducing
// slice), the map's body is cloned, a reduction accumulates into a filled
// init and gets its kept axes back with tensor.expand_shape; masks loop
// over the band's rows.

// A [b, n, 1] row statistic and a [d] scale against [b, n, d].
// CHECK-LABEL: func.func @broadcast(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[S:[^:]+]]: tensor<?x?x1xf32> {{[^}]*}}costopt.name = "input1", costopt.role = "input", costopt.shape = ["b", "n", "1"]}
// CHECK-SAME: %[[G:[^:]+]]: tensor<?xf32> {{[^}]*}}costopt.role = "param", costopt.shape = ["d"]}
// CHECK: %[[ROWS:.+]] = tensor.extract_slice %[[S]][0, 0, 0] [%[[B]], %[[N]], 1] [1, 1, 1] : tensor<?x?x1xf32> to tensor<?x?xf32>
// CHECK-NEXT: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]], %[[D]]) : tensor<?x?x?xf32>
// CHECK-NOT: linalg.fill
// CHECK: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[ROWS]], %[[G]] : tensor<?x?x?xf32>, tensor<?x?xf32>, tensor<?xf32>) outs(%[[EMPTY]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 1 : i64}
// CHECK-NEXT: ^bb0(%[[A:[^:]+]]: f32, %[[M:[^:]+]]: f32, %[[W:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[T:.+]] = arith.subf %[[A]], %[[M]] : f32
// CHECK-NEXT: %[[E:.+]] = math.exp %[[T]] : f32
// CHECK-NEXT: %[[P:.+]] = arith.mulf %[[E]], %[[W]] : f32
// CHECK-NEXT: linalg.yield %[[P]] : f32
// CHECK: bufferization.materialize_in_destination %[[R]]
nn.model @broadcast(%x: !nn.seq<[b, n, d]>, %s: !nn.seq<[b, n, 1]>) symbols(b, n, d) {
  %g = nn.param : !nn.tensor<[d]>
  %y = nn.map %x, %s, %g : !nn.seq<[b, n, d]>, !nn.seq<[b, n, 1]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
  ^bb0(%a: f32, %r: f32, %w: f32):
    %t = arith.subf %a, %r : f32
    %e = math.exp %t : f32
    %m = arith.mulf %e, %w : f32
    nn.yield %m : f32
  }
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// The whole body is cloned, constants included (silu: x / (1 + exp(-x))).
// CHECK-LABEL: func.func @silu(
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>]
// CHECK-NEXT: ^bb0(%[[A:[^:]+]]: f32, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[NEG:.+]] = arith.negf %[[A]] : f32
// CHECK-NEXT: %[[E:.+]] = math.exp %[[NEG]] : f32
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[DEN:.+]] = arith.addf %[[E]], %[[ONE]] : f32
// CHECK-NEXT: %[[Q:.+]] = arith.divf %[[A]], %[[DEN]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
nn.model @silu(%x: !nn.seq<[n, d]>) symbols(n, d) {
  %y = nn.map %x : !nn.seq<[n, d]> -> !nn.seq<[n, d]> {
  ^bb0(%a: f32):
    %neg = arith.negf %a : f32
    %e = math.exp %neg : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %e, %one : f32
    %q = arith.divf %a, %den : f32
    nn.yield %q : f32
  }
  nn.output %y : !nn.seq<[n, d]>
}

// -----

// A causal map (the exponentials of a softmax), row by row
// (band-block-rows=0, the GPU's form): zero outside the mask, and
// each row p computes only the columns [0, min(n, p + 1)); the row
// statistic [b, n, 1] is dropped to [b, n] and then sliced at the row.
// CHECK-LABEL: func.func @masked_map(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[S:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[M:[^:]+]]: tensor<?x?x1xf32> {{[^}]*}}costopt.name = "input1"
// CHECK: %[[MAX:.+]] = tensor.extract_slice %[[M]][0, 0, 0] [%[[B]], %[[N]], 1] [1, 1, 1] : tensor<?x?x1xf32> to tensor<?x?xf32>
// CHECK-NEXT: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]], %[[N]])
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[INIT:.+]] = linalg.fill {costopt.layer = 0 : i64} ins(%[[ZERO]] : f32) outs(%[[EMPTY]] :
// CHECK: %[[LOOP:.+]] = scf.for %[[ROW:[^ ]+]] = %{{[^ ]+}} to %[[N]] step %{{[^ ]+}} iter_args(%[[ACC:[^ ]+]] = %[[INIT]])
// CHECK: %[[HI0:.+]] = arith.minsi %[[N]], %{{.+}} : index
// CHECK: %[[HI:.+]] = arith.maxsi %{{.+}}, %[[HI0]] : index
// CHECK-NEXT: %[[LEN:.+]] = arith.subi %[[HI]], %[[LO:.+]] : index
// CHECK: %[[SROW:.+]] = tensor.extract_slice %[[S]][0, %[[ROW]], %[[LO]]] [%{{[^,]+}}, 1, %[[LEN]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x1x?xf32>
// CHECK: %[[MROW:.+]] = tensor.extract_slice %[[MAX]][0, %[[ROW]]] [%{{[^,]+}}, 1] [1, 1] : tensor<?x?xf32> to tensor<?x1xf32>
// CHECK: %[[OROW:.+]] = tensor.extract_slice %[[ACC]][0, %[[ROW]], %[[LO]]] [%{{[^,]+}}, 1, %[[LEN]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x1x?xf32>
// CHECK-NEXT: %[[G:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%[[SROW]], %[[MROW]] : tensor<?x1x?xf32>, tensor<?x1xf32>) outs(%[[OROW]] : tensor<?x1x?xf32>)
// CHECK: arith.subf
// CHECK-NEXT: math.exp
// CHECK: %[[INS:.+]] = tensor.insert_slice %[[G]] into %[[ACC]][0, %[[ROW]], %[[LO]]]
// CHECK-NEXT: scf.yield %[[INS]]
// CHECK: bufferization.materialize_in_destination %[[LOOP]]
nn.model @masked_map(%s: !nn.seq<[b, n, n]>, %m: !nn.seq<[b, n, 1]>) symbols(b, n) {
  %y = nn.map %s, %m mask affine_set<(b, p, k) : (p - k >= 0)> : !nn.seq<[b, n, n]>, !nn.seq<[b, n, 1]> -> !nn.seq<[b, n, n]> {
  ^bb0(%a: f32, %c: f32):
    %t = arith.subf %a, %c : f32
    %e = math.exp %t : f32
    nn.yield %e : f32
  }
  nn.output %y : !nn.seq<[b, n, n]>
}

// -----

// A sum over the last axis: zero-filled [b, n], a reduction iterator, and
// the reduced axis put back as extent 1 (joined to the previous axis).
// CHECK-LABEL: func.func @sum(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[OUT:[^:]+]]: memref<?x?x1xf32> {costopt.name = "output0"
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]]) : tensor<?x?xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[INIT:.+]] = linalg.fill {costopt.layer = 0 : i64} ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<?x?xf32>)
// CHECK-NEXT: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<?x?x?xf32>) outs(%[[INIT]] : tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[ACC]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK: %[[E:.+]] = tensor.expand_shape %[[R]] {{\[}}[0], [1, 2]] output_shape [%[[B]], %[[N]], 1] : tensor<?x?xf32> into tensor<?x?x1xf32>
// CHECK: bufferization.materialize_in_destination %[[E]] in restrict writable %[[OUT]]
nn.model @sum(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %s = nn.reduce %x {kind = "sum", dims = [2]} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 1]>
  nn.output %s : !nn.seq<[b, n, 1]>
}

// -----

// A max over the first and last axes: filled with -inf, maximumf, and the
// reduced axes join the kept one.
// CHECK-LABEL: func.func @max(
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
// CHECK-NEXT: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[INIT:.+]] = linalg.fill {costopt.layer = 0 : i64} ins(%[[NEGINF]] : f32) outs(%[[EMPTY]] : tensor<?xf32>)
// CHECK-NEXT: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>]
// CHECK-SAME: iterator_types = ["reduction", "parallel", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<?x?x?xf32>) outs(%[[INIT]] : tensor<?xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %[[ACC:[^:]+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.maximumf %[[ACC]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[M]] : f32
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1, 2]] output_shape [1, %[[N]], 1] : tensor<?xf32> into tensor<1x?x1xf32>
nn.model @max(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %m = nn.reduce %x {kind = "max", dims = [0, 2]} : !nn.seq<[b, n, d]> -> !nn.seq<[1, n, 1]>
  nn.output %m : !nn.seq<[1, n, 1]>
}

// -----

// Reducing every axis gives a rank-0 tensor, expanded with no groups.
// CHECK-LABEL: func.func @total(
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<f32>
// CHECK: linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>]
// CHECK-SAME: iterator_types = ["reduction", "reduction"]
// CHECK: tensor.expand_shape %{{.+}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
nn.model @total(%x: !nn.seq<[b, n]>) symbols(b, n) {
  %m = nn.reduce %x {kind = "sum", dims = [0, 1]} : !nn.seq<[b, n]> -> !nn.seq<[1, 1]>
  nn.output %m : !nn.seq<[1, 1]>
}

// -----

// A max over a causal window of w: row p reduces only the columns
// [max(0, p - w + 1), min(n, p + 1)) into its slot, filled with -inf for
// that row only (outside the mask the output stays zero).
// CHECK-LABEL: func.func @masked_max(
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[W:[^:]+]]: index {costopt.name = "w"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK: %[[BELOW:.+]] = arith.addi %[[W]], %{{.+}} : index
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[INIT:.+]] = linalg.fill {{.*}}ins(%[[ZERO]] : f32)
// CHECK: %[[LOOP:.+]] = scf.for %[[ROW:[^ ]+]] = %{{[^ ]+}} to %[[N]] step %{{[^ ]+}} iter_args(%[[ACC:[^ ]+]] = %[[INIT]]) -> (tensor<?x?xf32>)
// CHECK-NEXT: %[[Z:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[D:.+]] = arith.subi %[[ROW]], %[[BELOW]] : index
// CHECK-NEXT: %[[LO0:.+]] = arith.maxsi %[[Z]], %[[D]] : index
// CHECK-NEXT: %[[LO:.+]] = arith.minsi %[[N]], %[[LO0]] : index
// CHECK: %[[LEN:.+]] = arith.subi %[[HI:[^,]+]], %[[LO]] : index
// CHECK: %[[IN:.+]] = tensor.extract_slice %[[X]][0, %[[ROW]], %[[LO]]] [%{{[^,]+}}, 1, %[[LEN]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x1x?xf32>
// CHECK: %[[OUT:.+]] = tensor.extract_slice %[[ACC]][0, %[[ROW]]] [%{{[^,]+}}, 1] [1, 1] : tensor<?x?xf32> to tensor<?x1xf32>
// CHECK-NEXT: %[[NEGINF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-NEXT: %[[ROWINIT:.+]] = linalg.fill {{.*}}ins(%[[NEGINF]] : f32) outs(%[[OUT]] : tensor<?x1xf32>)
// CHECK-NEXT: %[[G:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[IN]] : tensor<?x1x?xf32>) outs(%[[ROWINIT]] : tensor<?x1xf32>)
// CHECK: arith.maximumf
// CHECK: tensor.insert_slice %[[G]] into %[[ACC]][0, %[[ROW]]]
// CHECK: tensor.expand_shape %[[LOOP]] {{\[}}[0], [1, 2]]
nn.model @masked_max(%x: !nn.seq<[b, n, n]>) symbols(b, n, w) where (w <= n) {
  %m = nn.reduce %x {kind = "max", dims = [2], mask = affine_set<(b, q, k)[s0] : (q - k >= 0, k - q + s0 - 1 >= 0)>, symbols = [w]} : !nn.seq<[b, n, n]> -> !nn.seq<[b, n, 1]>
  nn.output %m : !nn.seq<[b, n, 1]>
}
