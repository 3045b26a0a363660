// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg --mlir-print-local-scope | FileCheck %s
// RUN: costopt-opt %examples/retnet-layer.mlir --costopt-inline-layers --costopt-decompose-layers --costopt-convert-nn-to-linalg --mlir-print-local-scope | FileCheck %s --check-prefix=RETNET

// The function a model becomes: one index argument per symbol, the counters,
// the inputs, the parameters (stacked over the enclosing repeats unless they
// share weights), the fixed tensors, and one memref per output. nn.repeat is
// an scf.for that writes each iteration back into the carried value;
// nn.block is inlined and its ops tagged with its layer slot.

// A stack of L layers. The repeat's parameter is one [d, d/h] matrix per
// layer, passed as [L, d, d/h] and sliced at the induction variable; the
// parameter defined outside the repeat is shared by every iteration. Slots
// follow the model's ops: %g is 0, the blocks 1 and 2, %w2 3.
// CHECK-LABEL: func.func @stack(
// CHECK-SAME: %[[B:[^:]+]]: index {costopt.name = "b", costopt.role = "symbol"}
// CHECK-SAME: %[[N:[^:]+]]: index {costopt.name = "n", costopt.role = "symbol"}
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d", costopt.role = "symbol"}
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "h", costopt.role = "symbol"}
// CHECK-SAME: %[[L:[^:]+]]: index {costopt.name = "L", costopt.role = "symbol"}
// CHECK-SAME: %{{[^:]+}}: memref<?xi64> {costopt.name = "counters", costopt.role = "counters", costopt.shape = []}
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {bufferization.writable = false, costopt.name = "input0", costopt.role = "input", costopt.shape = ["b", "n", "d"]}
// CHECK-SAME: %[[G:[^:]+]]: tensor<?xf32> {bufferization.writable = false, costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["d"]}
// CHECK-SAME: %[[W:[^:]+]]: tensor<?x?x?xf32> {bufferization.writable = false, costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["L", "d", "d/h"], costopt.stacked = 1 : i64}
// CHECK-SAME: %{{[^:]+}}: tensor<?xf32> {bufferization.writable = false, costopt.name = "param@{{[^"]+}}", costopt.role = "param", costopt.shape = ["d"]}
// CHECK-SAME: %[[OUT:[^:]+]]: memref<?x?x?xf32> {costopt.name = "output0", costopt.role = "output", costopt.shape = ["b", "n", "d"]})
// CHECK-SAME: attributes {costopt.layer_count = 4 : i64, llvm.emit_c_interface}
// CHECK-NEXT: %[[DH:.+]] = arith.divsi %[[D]], %[[H]] : index
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[LOOP:.+]] = scf.for %[[I:[^ ]+]] = %[[ZERO]] to %[[L]] step %[[ONE]] iter_args(%[[Z:[^ ]+]] = %[[X]]) -> (tensor<?x?x?xf32>) {
// CHECK-NEXT: %[[WI:.+]] = tensor.extract_slice %[[W]][%[[I]], 0, 0] [1, %[[D]], %[[DH]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?x?xf32>
// CHECK-NEXT: tensor.empty(%[[B]], %[[N]], %[[DH]])
// CHECK: linalg.fill {costopt.layer = 1 : i64}
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%[[Z]], %[[WI]] : tensor<?x?x?xf32>, tensor<?x?xf32>)
// CHECK-SAME: {costopt.layer = 1 : i64}
// CHECK: %[[ADD:.+]] = linalg.generic
// CHECK-SAME: ins(%[[Z]], %[[G]] : tensor<?x?x?xf32>, tensor<?xf32>)
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK: %[[COPY:.+]] = linalg.copy ins(%[[ADD]] : tensor<?x?x?xf32>) outs(%[[Z]] : tensor<?x?x?xf32>)
// CHECK-NEXT: scf.yield %[[COPY]] : tensor<?x?x?xf32>
// CHECK-NEXT: }
// CHECK-NEXT: bufferization.materialize_in_destination %[[LOOP]] in restrict writable %[[OUT]] : (tensor<?x?x?xf32>, memref<?x?x?xf32>) -> ()
// CHECK-NEXT: return
nn.model @stack(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, L) where (d mod h == 0) {
  %g = nn.param : !nn.tensor<[d]>
  %out = nn.repeat<L>(%z = %x) : !nn.seq<[b, n, d]> {
    %y = nn.block "proj" (%a = %z) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d/h]> {
      %w = nn.param : !nn.tensor<[d, d/h]>
      %p = nn.contract %a, %w {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, d/h]> -> !nn.seq<[b, n, d/h]>
      nn.yield %p : !nn.seq<[b, n, d/h]>
    }
    %r = nn.block "add" (%a = %z, %c = %g) : (!nn.seq<[b, n, d]>, !nn.tensor<[d]>) -> !nn.seq<[b, n, d]> {
      %s = nn.map %a, %c : !nn.seq<[b, n, d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
      ^bb0(%u: f32, %v: f32):
        %t = arith.addf %u, %v : f32
        nn.yield %t : f32
      }
      nn.yield %s : !nn.seq<[b, n, d]>
    }
    nn.yield %r : !nn.seq<[b, n, d]>
  }
  %w2 = nn.param : !nn.tensor<[d]>
  nn.output %out : !nn.seq<[b, n, d]>
}

// -----

// Nested repeats: a parameter of the inner body is stacked over both counts
// ([L, M, d]) and sliced at both induction variables.
// CHECK-LABEL: func.func @nested(
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d"
// CHECK-SAME: %[[L:[^:]+]]: index {costopt.name = "L"
// CHECK-SAME: %[[M:[^:]+]]: index {costopt.name = "M"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.role = "input"
// CHECK-SAME: %[[G:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.role = "param", costopt.shape = ["L", "M", "d"], costopt.stacked = 2 : i64}
// CHECK: %[[OUTER:.+]] = scf.for %[[I:[^ ]+]] = %{{[^ ]+}} to %[[L]] step %{{[^ ]+}} iter_args(%[[Z:[^ ]+]] = %[[X]])
// CHECK: %[[INNER:.+]] = scf.for %[[J:[^ ]+]] = %{{[^ ]+}} to %[[M]] step %{{[^ ]+}} iter_args(%[[U:[^ ]+]] = %[[Z]])
// CHECK-NEXT: %[[GIJ:.+]] = tensor.extract_slice %[[G]][%[[I]], %[[J]], 0] [1, 1, %[[D]]] [1, 1, 1] : tensor<?x?x?xf32> to tensor<?xf32>
// CHECK: %[[MUL:.+]] = linalg.generic
// CHECK-SAME: ins(%[[U]], %[[GIJ]] :
// CHECK-SAME: {costopt.layer = 1 : i64}
// CHECK: %[[C1:.+]] = linalg.copy ins(%[[MUL]] : tensor<?x?x?xf32>) outs(%[[U]] : tensor<?x?x?xf32>)
// CHECK-NEXT: scf.yield %[[C1]]
// CHECK-NEXT: }
// CHECK-NEXT: %[[C2:.+]] = linalg.copy ins(%[[INNER]] : tensor<?x?x?xf32>) outs(%[[Z]] : tensor<?x?x?xf32>)
// CHECK-NEXT: scf.yield %[[C2]]
// CHECK-NEXT: }
// CHECK-NEXT: bufferization.materialize_in_destination %[[OUTER]]
nn.model @nested(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, L, M) {
  %out = nn.repeat<L>(%z = %x) : !nn.seq<[b, n, d]> {
    %inner = nn.repeat<M>(%u = %z) : !nn.seq<[b, n, d]> {
      %g = nn.param : !nn.tensor<[d]>
      %s = nn.map %u, %g : !nn.seq<[b, n, d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
      ^bb0(%p: f32, %q: f32):
        %t = arith.mulf %p, %q : f32
        nn.yield %t : f32
      }
      nn.yield %s : !nn.seq<[b, n, d]>
    }
    nn.yield %inner : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}

// -----

// The same with the outer repeat sharing its weights: the parameter is
// stacked over the inner count only and sliced at the inner variable.
// CHECK-LABEL: func.func @shared(
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d"
// CHECK-SAME: %[[L:[^:]+]]: index {costopt.name = "L"
// CHECK-SAME: %[[M:[^:]+]]: index {costopt.name = "M"
// CHECK-SAME: %[[G:[^:]+]]: tensor<?x?xf32> {{[^}]*}}costopt.role = "param", costopt.shape = ["M", "d"], costopt.stacked = 1 : i64}
// CHECK: scf.for %{{[^ ]+}} = %{{[^ ]+}} to %[[L]]
// CHECK: scf.for %[[J:[^ ]+]] = %{{[^ ]+}} to %[[M]]
// CHECK-NEXT: tensor.extract_slice %[[G]][%[[J]], 0] [1, %[[D]]] [1, 1] : tensor<?x?xf32> to tensor<?xf32>
nn.model @shared(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, L, M) {
  %out = nn.repeat<L>(%z = %x) : !nn.seq<[b, n, d]> attributes {shared_weights} {
    %inner = nn.repeat<M>(%u = %z) : !nn.seq<[b, n, d]> {
      %g = nn.param : !nn.tensor<[d]>
      %s = nn.map %u, %g : !nn.seq<[b, n, d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
      ^bb0(%p: f32, %q: f32):
        %t = arith.mulf %p, %q : f32
        nn.yield %t : f32
      }
      nn.yield %s : !nn.seq<[b, n, d]>
    }
    nn.yield %inner : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}

// -----

// A repeat that shares its weights passes the parameter once, unstacked,
// and reads it without a slice.
// CHECK-LABEL: func.func @albert(
// CHECK-SAME: %[[G:[^:]+]]: tensor<?xf32> {{[^}]*}}costopt.role = "param", costopt.shape = ["d"]}
// CHECK: scf.for
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{[^,]+}}, %[[G]] :
nn.model @albert(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, L) {
  %out = nn.repeat<L>(%z = %x) : !nn.seq<[b, n, d]> attributes {shared_weights} {
    %g = nn.param : !nn.tensor<[d]>
    %s = nn.map %z, %g : !nn.seq<[b, n, d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
    ^bb0(%p: f32, %q: f32):
      %t = arith.mulf %p, %q : f32
      nn.yield %t : f32
    }
    nn.yield %s : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}

// -----

// Layer slots of a model with several layers: %g is 0, %c 1, the block
// "scale" 2, the loose map 3, the block "norm" 4 (every op of a block,
// its fill included, carries the block's slot). Parameters come before fixed
// tensors, whatever their order in the model; each output is its own memref.
// CHECK-LABEL: func.func @slots(
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-SAME: %[[Y:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input1"
// CHECK-SAME: %[[G:[^:]+]]: tensor<?xf32> {{[^}]*}}costopt.role = "param"
// CHECK-SAME: %[[W:[^:]+]]: tensor<?xf32> {{[^}]*}}costopt.role = "param"
// CHECK-SAME: %[[C:[^:]+]]: tensor<?xf32> {bufferization.writable = false, costopt.name = "constant@{{[^"]+}}", costopt.role = "constant", costopt.shape = ["d"]}
// CHECK-SAME: %[[O0:[^:]+]]: memref<?x?x?xf32> {costopt.name = "output0"
// CHECK-SAME: %[[O1:[^:]+]]: memref<?x?x1xf32> {costopt.name = "output1"
// CHECK-SAME: costopt.layer_count = 5 : i64
// CHECK: %[[A:.+]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[G]] :
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK: %[[S:.+]] = linalg.generic
// CHECK-SAME: ins(%[[A]], %[[Y]] :
// CHECK-SAME: {costopt.layer = 3 : i64}
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[S]], %[[W]], %[[C]] :
// CHECK-SAME: {costopt.layer = 4 : i64}
// CHECK: linalg.fill {costopt.layer = 4 : i64}
// CHECK-NEXT: linalg.generic
// CHECK-SAME: {costopt.layer = 4 : i64}
// CHECK: %[[R:.+]] = tensor.expand_shape
// CHECK-NEXT: bufferization.materialize_in_destination %[[S]] in restrict writable %[[O0]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[R]] in restrict writable %[[O1]]
// CHECK-NEXT: return
nn.model @slots(%x: !nn.seq<[b, n, d]>, %y: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %g = nn.param : !nn.tensor<[d]>
  %c = nn.constant : !nn.tensor<[d]>
  %a = nn.block "scale" (%u = %x, %v = %g) : (!nn.seq<[b, n, d]>, !nn.tensor<[d]>) -> !nn.seq<[b, n, d]> {
    %m = nn.map %u, %v : !nn.seq<[b, n, d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
    ^bb0(%p: f32, %q: f32):
      %t = arith.mulf %p, %q : f32
      nn.yield %t : f32
    }
    nn.yield %m : !nn.seq<[b, n, d]>
  }
  %s = nn.map %a, %y : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]> {
  ^bb0(%p: f32, %q: f32):
    %t = arith.addf %p, %q : f32
    nn.yield %t : f32
  }
  %r = nn.block "norm" (%u = %s, %k = %c) : (!nn.seq<[b, n, d]>, !nn.tensor<[d]>) -> !nn.seq<[b, n, 1]> {
    %w = nn.param : !nn.tensor<[d]>
    %m = nn.map %u, %w, %k : !nn.seq<[b, n, d]>, !nn.tensor<[d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]> {
    ^bb0(%p: f32, %q: f32, %z: f32):
      %t = arith.mulf %p, %q : f32
      %o = arith.addf %t, %z : f32
      nn.yield %o : f32
    }
    %sum = nn.reduce %m {kind = "sum", dims = [2]} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 1]>
    nn.yield %sum : !nn.seq<[b, n, 1]>
  }
  nn.output %s, %r : !nn.seq<[b, n, d]>, !nn.seq<[b, n, 1]>
}

// -----

// Sizes are computed once, at the entry, from the symbol arguments: d/h is
// a divsi, h·e a muli, and a size used twice is computed once.
// CHECK-LABEL: func.func @sizes(
// CHECK-SAME: %[[D:[^:]+]]: index {costopt.name = "d"
// CHECK-SAME: %[[H:[^:]+]]: index {costopt.name = "h"
// CHECK-NEXT: %[[DH:.+]] = arith.divsi %[[D]], %[[H]] : index
// CHECK-NOT: arith.divsi
// CHECK: tensor.empty(%{{[^,]+}}, %{{[^,]+}}, %[[H]], %[[DH]])
// CHECK-NOT: arith.divsi
// CHECK: tensor.empty(%{{[^,]+}}, %[[H]], %{{[^,]+}}, %[[DH]])
nn.model @sizes(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) where (d mod h == 0) {
  %r = nn.reshape %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, h, d/h]>
  %t = nn.transpose %r {permutation = [0, 2, 1, 3]} : !nn.seq<[b, n, h, d/h]> -> !nn.seq<[b, h, n, d/h]>
  nn.output %t : !nn.seq<[b, h, n, d/h]>
}

// The RetNet example end to end: after inlining and decomposition, the
// repeat's twelve parameters are stacked over L, the fixed γ (from the
// inlined retention layer) is not, and the body's six layers (norm,
// retention with its scan over the positions, add, norm, FFN, add) take
// slots 0 to 5.
// RETNET-LABEL: func.func @retnet(
// RETNET-SAME: %[[N:[^:]+]]: index {costopt.name = "n", costopt.role = "symbol"}
// RETNET-SAME: %[[D:[^:]+]]: index {costopt.name = "d", costopt.role = "symbol"}
// RETNET-SAME: %[[H:[^:]+]]: index {costopt.name = "h", costopt.role = "symbol"}
// RETNET-SAME: %[[L:[^:]+]]: index {costopt.name = "L", costopt.role = "symbol"}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d", "h", "d/h"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d", "h", "d/h"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d", "h", "d/h"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "h", "d/h", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d", "2*d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "2*d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "2*d", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "param", costopt.shape = ["L", "d"], costopt.stacked = 1 : i64}
// RETNET-SAME: costopt.role = "constant", costopt.shape = ["h", "1", "1", "1"]}
// RETNET-SAME: costopt.role = "output", costopt.shape = ["b", "n", "d"]}
// RETNET-SAME: costopt.layer_count = 6 : i64
// RETNET: arith.divsi %[[D]], %[[H]] : index
// RETNET: scf.for %{{[^ ]+}} = %{{[^ ]+}} to %[[L]] step
// RETNET: {costopt.layer = 0 : i64}
// RETNET-NOT: {costopt.layer = 2 : i64}
// RETNET: {costopt.layer = 1 : i64}
// RETNET: scf.for %{{[^ ]+}} = %{{[^ ]+}} to %[[N]] step
// RETNET: arith.mulf
// RETNET-NEXT: arith.addf
// RETNET: {costopt.layer = 2 : i64}
// RETNET: {costopt.layer = 3 : i64}
// RETNET: {costopt.layer = 4 : i64}
// RETNET: {costopt.layer = 5 : i64}
// RETNET-NOT: costopt.layer =
// RETNET: linalg.copy
// RETNET-NEXT: scf.yield
// RETNET-NOT: costopt.layer =
// RETNET: bufferization.materialize_in_destination
