// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg --mlir-print-local-scope | FileCheck %s

// nn.scan is an scf.for over the positions carrying the output and the
// state; nn.gather reads its table with tensor.extract; transpose, reshape,
// concat and extract are linalg.transpose, collapse/expand and slices.

// A prefix sum over the positions of [b, h, n, e] (axis 2), then a linear
// recurrence s_t = γ·s_{t-1} + x_t with γ of [h, 1, 1] broadcast (sliced to
// [h] and read through (d0, d1, d2) -> (d1)). The state [b, h, e] starts
// at zero; each step reads x_t, updates the state and writes it at t.
// CHECK-LABEL: func.func @scans(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "h"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[E:[^:]+]]: index {costopt.name = "e"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?x?xf32> {{[^}]*}}costopt.role = "input"
// CHECK-SAME: %[[GAMMA:[^:]+]]: tensor<?x1x1xf32> {{[^}]*}}costopt.role = "constant", costopt.shape = ["h", "1", "1"]}
// CHECK-SAME: %[[OUT:[^:]+]]: memref<?x?x?x?xf32>
// CHECK: %[[SOUT:.+]] = tensor.empty(%[[B]], %[[H]], %[[N]], %[[E]]) : tensor<?x?x?x?xf32>
// CHECK-NEXT: %[[SEMPTY:.+]] = tensor.empty(%[[B]], %[[H]], %[[E]]) : tensor<?x?x?xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[S0:.+]] = linalg.fill {costopt.layer = 1 : i64} ins(%[[ZERO]] : f32) outs(%[[SEMPTY]] : tensor<?x?x?xf32>)
// CHECK: %[[SUM:.+]]:2 = scf.for %[[T:[^ ]+]] = %{{[^ ]+}} to %[[N]] step %{{[^ ]+}} iter_args(%[[ACC:[^ ]+]] = %[[SOUT]], %[[ST:[^ ]+]] = %[[S0]]) -> (tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {
// CHECK-NEXT: %[[XT:.+]] = tensor.extract_slice %[[X]][0, 0, %[[T]], 0] [%[[B]], %[[H]], 1, %[[E]]] [1, 1, 1, 1] : tensor<?x?x?x?xf32> to tensor<?x?x?xf32>
// CHECK-NEXT: %[[NEXT:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[XT]] : tensor<?x?x?xf32>) outs(%[[ST]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 1 : i64}
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %[[PREV:[^:]+]]: f32):
// CHECK-NEXT: %[[ADD:.+]] = arith.addf %[[PREV]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[ADD]] : f32
// CHECK: %[[W:.+]] = tensor.insert_slice %[[NEXT]] into %[[ACC]][0, 0, %[[T]], 0] [%[[B]], %[[H]], 1, %[[E]]] [1, 1, 1, 1]
// CHECK-NEXT: scf.yield %[[W]], %[[NEXT]] : tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
// CHECK: linalg.fill {costopt.layer = 2 : i64}
// CHECK: %[[LIN:.+]]:2 = scf.for %[[T2:[^ ]+]] = %{{[^ ]+}} to %[[N]] step %{{[^ ]+}} iter_args(%[[ACC2:[^ ]+]] = %{{[^ ]+}}, %[[ST2:[^ ]+]] = %{{[^ ]+}})
// CHECK-NEXT: %[[XT2:.+]] = tensor.extract_slice %[[SUM]]#0[0, 0, %[[T2]], 0]
// CHECK-NEXT: %[[G:.+]] = tensor.extract_slice %[[GAMMA]][0, 0, 0] [%[[H]], 1, 1] [1, 1, 1] : tensor<?x1x1xf32> to tensor<?xf32>
// CHECK-NEXT: %[[NEXT2:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: ins(%[[XT2]], %[[G]] : tensor<?x?x?xf32>, tensor<?xf32>) outs(%[[ST2]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK-NEXT: ^bb0(%[[IN2:[^:]+]]: f32, %[[DECAY:[^:]+]]: f32, %[[PREV2:[^:]+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[DECAY]], %[[PREV2]] : f32
// CHECK-NEXT: %[[A:.+]] = arith.addf %[[M]], %[[IN2]] : f32
// CHECK-NEXT: linalg.yield %[[A]] : f32
// CHECK: tensor.insert_slice %[[NEXT2]] into %[[ACC2]][0, 0, %[[T2]], 0]
// CHECK: bufferization.materialize_in_destination %[[LIN]]#0 in restrict writable %[[OUT]]
nn.model @scans(%x: !nn.seq<[b, h, n, e]>) symbols(b, h, n, e) {
  %gamma = nn.constant : !nn.tensor<[h, 1, 1]>
  %s = nn.scan %x {kind = "sum"} : !nn.seq<[b, h, n, e]> -> !nn.seq<[b, h, n, e]>
  %r = nn.scan %s, %gamma {kind = "linear"} : !nn.seq<[b, h, n, e]>, !nn.tensor<[h, 1, 1]> -> !nn.seq<[b, h, n, e]>
  nn.output %r : !nn.seq<[b, h, n, e]>
}

// -----

// A decay with the position axis (a selective scan's Ā) is read per step,
// sliced at t like the input.
// CHECK-LABEL: func.func @per_step_decay(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[A:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input1"
// CHECK: scf.for %[[T:[^ ]+]] =
// CHECK-NEXT: %[[XT:.+]] = tensor.extract_slice %[[X]][0, %[[T]], 0]
// CHECK-NEXT: %[[AT:.+]] = tensor.extract_slice %[[A]][0, %[[T]], 0]
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%[[XT]], %[[AT]] : tensor<?x?xf32>, tensor<?x?xf32>)
// CHECK-NEXT: ^bb0(%[[IN:[^:]+]]: f32, %[[DECAY:[^:]+]]: f32, %[[PREV:[^:]+]]: f32):
// CHECK-NEXT: %[[M:.+]] = arith.mulf %[[DECAY]], %[[PREV]] : f32
// CHECK-NEXT: arith.addf %[[M]], %[[IN]] : f32
nn.model @per_step_decay(%x: !nn.seq<[b, n, e]>, %a: !nn.seq<[b, n, e]>) symbols(b, n, e) {
  %r = nn.scan %x, %a {kind = "linear"} : !nn.seq<[b, n, e]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, e]>
  nn.output %r : !nn.seq<[b, n, e]>
}

// -----

// An embedding lookup: the ids (i64) are the generic's only input, cast to
// index and used with linalg.index 2 to extract from the table; nothing is
// computed in floating point.
// CHECK-LABEL: func.func @gather(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d"
// CHECK-SAME: %[[IDS:[^:]+]]: tensor<?x?xi64> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[TABLE:[^:]+]]: tensor<?x?xf32> {{[^}]*}}costopt.role = "param", costopt.shape = ["V", "d"]}
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]], %[[D]]) : tensor<?x?x?xf32>
// CHECK-NEXT: %[[R:.+]] = linalg.generic
// CHECK-SAME: indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[IDS]] : tensor<?x?xi64>) outs(%[[EMPTY]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 1 : i64}
// CHECK-NEXT: ^bb0(%[[ID:[^:]+]]: i64, %{{[^:]+}}: f32):
// CHECK-NEXT: %[[ROW:.+]] = arith.index_cast %[[ID]] : i64 to index
// CHECK-NEXT: %[[COL:.+]] = linalg.index 2 : index
// CHECK-NEXT: %[[V:.+]] = tensor.extract %[[TABLE]][%[[ROW]], %[[COL]]] : tensor<?x?xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
// CHECK: bufferization.materialize_in_destination %[[R]]
nn.model @gather(%ids: !nn.tokens<[b, n]>) symbols(b, n, V, d) {
  %table = nn.param : !nn.tensor<[V, d]>
  %y = nn.gather %table, %ids : !nn.tensor<[V, d]>, !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// A transpose is a linalg.transpose into an empty tensor of the permuted
// sizes, tagged with its slot.
// CHECK-LABEL: func.func @transpose(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "h"
// CHECK-SAME: %[[E:[^:]+]]: index {costopt.name = "e"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[H]], %[[N]], %[[E]]) : tensor<?x?x?x?xf32>
// CHECK-NEXT: %[[T:.+]] = linalg.transpose ins(%[[X]] : tensor<?x?x?x?xf32>) outs(%[[EMPTY]] : tensor<?x?x?x?xf32>) permutation = [0, 2, 1, 3] {costopt.layer = 0 : i64}
// CHECK: bufferization.materialize_in_destination %[[T]]
nn.model @transpose(%x: !nn.seq<[b, n, h, e]>) symbols(b, n, h, e) {
  %t = nn.transpose %x {permutation = [0, 2, 1, 3]} : !nn.seq<[b, n, h, e]> -> !nn.seq<[b, h, n, e]>
  nn.output %t : !nn.seq<[b, h, n, e]>
}

// -----

// A reshape is a copy that reads each result element at the same row-major
// position of the input (linearise the result index, delinearise by the
// input's sizes): no floating-point work. (Views with several dynamic sizes
// per group crash LLVM 22's expand-strided-metadata.)
// CHECK-LABEL: func.func @reshape(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "h"
// CHECK-SAME: %[[E:[^:]+]]: index {costopt.name = "e"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK: %[[SPLIT:.+]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%{{.+}} : tensor<?x?x?x?xf32>)
// CHECK: %[[I3:.+]] = linalg.index 3 : index
// CHECK: arith.remui
// CHECK: arith.divui
// CHECK: %[[V:.+]] = tensor.extract %[[X]][{{.+}}] : tensor<?x?x?xf32>
// CHECK-NEXT: linalg.yield %[[V]] : f32
// CHECK-NOT: arith.mulf
// CHECK: bufferization.materialize_in_destination %[[SPLIT]]
nn.model @reshape(%x: !nn.seq<[b, n, h*e]>, %y: !nn.tensor<[d]>) symbols(b, n, h, e, d) {
  %r = nn.reshape %x : !nn.seq<[b, n, h*e]> -> !nn.seq<[b, n, h, e]>
  %f = nn.reshape %x : !nn.seq<[b, n, h*e]> -> !nn.tensor<[b*n*h*e]>
  %c = nn.reshape %y : !nn.tensor<[d]> -> !nn.tensor<[d, 1]>
  nn.output %r, %f, %c : !nn.seq<[b, n, h, e]>, !nn.tensor<[b*n*h*e]>, !nn.tensor<[d, 1]>
}

// -----

// A concatenation inserts each operand into an empty tensor at the running
// offset along its dimension (0, then c); an extract is one slice at its
// offset.
// CHECK-LABEL: func.func @concat_extract(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b"
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n"
// CHECK-SAME: %[[C:[^:]+]]: index {costopt.name = "c"
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[Y:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input1"
// CHECK: %[[CD:.+]] = arith.addi %[[C]], %[[D]] : index
// CHECK-NOT: linalg.
// CHECK: %[[EMPTY:.+]] = tensor.empty(%[[B]], %[[N]], %[[CD]]) : tensor<?x?x?xf32>
// CHECK-NEXT: %[[I0:.+]] = tensor.insert_slice %[[X]] into %[[EMPTY]][0, 0, 0] [%[[B]], %[[N]], %[[C]]] [1, 1, 1]
// CHECK-NEXT: %[[I1:.+]] = tensor.insert_slice %[[Y]] into %[[I0]][0, 0, %[[C]]] [%[[B]], %[[N]], %[[D]]] [1, 1, 1]
// CHECK-NEXT: %[[S:.+]] = tensor.extract_slice %[[I1]][0, 0, %[[C]]] [%[[B]], %[[N]], %[[D]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x?x?xf32>
// CHECK-NEXT: bufferization.materialize_in_destination %[[S]]
nn.model @concat_extract(%x: !nn.seq<[b, n, c]>, %y: !nn.seq<[b, n, d]>) symbols(b, n, c, d) {
  %cat = nn.concat %x, %y {dim = 2} : !nn.seq<[b, n, c]>, !nn.seq<[b, n, d]> -> !nn.seq<[b, n, c + d]>
  %s = nn.extract %cat {dim = 2, offset = c} : !nn.seq<[b, n, c + d]> -> !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}
