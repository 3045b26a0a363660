// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg=band-block-rows=0 --costopt-count-flops --mlir-print-local-scope | FileCheck %s
// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg --costopt-count-flops --mlir-print-local-scope | FileCheck %s --check-prefix=BLOCK

// costopt-count-flops adds, before each tagged linalg op with floating-point
// work, (its float arith/math ops per point) x (the product of its loop
// ranges) to its layer's slot of the counters argument. Fills, transposes,
// copies and gathers do no float work and get no counter.

// A contraction (2 per point over 4 loops) with a bias (1 per point over 3),
// both in slot 2 after the two parameters; a silu (4 ops: the constant is
// free) in slot 3; a transpose in slot 4 without a counter.
// CHECK-LABEL: func.func @mlp(
// CHECK-SAME: %[[CTR:[^:]+]]: memref<?xi64> {costopt.name = "counters", costopt.role = "counters"
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x?x?xf32> {{[^}]*}}costopt.name = "input0"
// CHECK-NOT: memref.load
// CHECK: linalg.fill {costopt.layer = 2 : i64}
// CHECK-NEXT: %[[TWO:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[Z0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[B:.+]] = tensor.dim %[[X]], %[[Z0]]
// CHECK: %[[W1:.+]] = arith.muli %[[TWO]], %[[B]] : index
// CHECK-NEXT: %[[W2:.+]] = arith.muli %[[W1]], %{{.+}} : index
// CHECK-NEXT: %[[W3:.+]] = arith.muli %[[W2]], %{{.+}} : index
// CHECK-NEXT: %[[W4:.+]] = arith.muli %[[W3]], %{{.+}} : index
// CHECK-NEXT: %[[W64:.+]] = arith.index_cast %[[W4]] : index to i64
// CHECK-NEXT: %[[SLOT:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[CTR]][%[[SLOT]]] : memref<?xi64>
// CHECK-NEXT: %[[NEW:.+]] = arith.addi %[[OLD]], %[[W64]] : i64
// CHECK-NEXT: memref.store %[[NEW]], %[[CTR]][%[[SLOT]]] : memref<?xi64>
// CHECK-NEXT: %[[MM:.+]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction", "parallel"]
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK: } -> tensor<?x?x?xf32>
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK: %[[V1:.+]] = arith.muli %[[ONE]], %{{.+}} : index
// CHECK-NEXT: %[[V2:.+]] = arith.muli %[[V1]], %{{.+}} : index
// CHECK-NEXT: %[[V3:.+]] = arith.muli %[[V2]], %{{.+}} : index
// CHECK-NEXT: %[[V64:.+]] = arith.index_cast %[[V3]] : index to i64
// CHECK-NEXT: %[[SLOTB:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[OLDB:.+]] = memref.load %[[CTR]][%[[SLOTB]]] : memref<?xi64>
// CHECK-NEXT: %[[NEWB:.+]] = arith.addi %[[OLDB]], %[[V64]] : i64
// CHECK-NEXT: memref.store %[[NEWB]], %[[CTR]][%[[SLOTB]]] : memref<?xi64>
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%{{[^ ]+}} : tensor<?xf32>) outs(%[[MM]] : tensor<?x?x?xf32>)
// CHECK-SAME: {costopt.layer = 2 : i64}
// CHECK: %[[FOUR:.+]] = arith.constant 4 : index
// CHECK: %[[U1:.+]] = arith.muli %[[FOUR]], %{{.+}} : index
// CHECK-NEXT: %[[U2:.+]] = arith.muli %[[U1]], %{{.+}} : index
// CHECK-NEXT: %[[U3:.+]] = arith.muli %[[U2]], %{{.+}} : index
// CHECK-NEXT: %[[U64:.+]] = arith.index_cast %[[U3]] : index to i64
// CHECK-NEXT: %[[SLOTS:.+]] = arith.constant 3 : index
// CHECK-NEXT: memref.load %[[CTR]][%[[SLOTS]]]
// CHECK-NEXT: arith.addi %{{.+}}, %[[U64]] : i64
// CHECK-NEXT: memref.store %{{.+}}, %[[CTR]][%[[SLOTS]]]
// CHECK-NEXT: linalg.generic
// CHECK-SAME: {costopt.layer = 3 : i64}
// CHECK: math.exp
// CHECK: } -> tensor<?x?x?xf32>
// CHECK-NEXT: tensor.empty
// CHECK-NEXT: linalg.transpose
// CHECK-SAME: {costopt.layer = 4 : i64}
// CHECK-NEXT: bufferization.materialize_in_destination
// CHECK-NOT: memref.load
// CHECK: return
nn.model @mlp(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) {
  %w = nn.param : !nn.tensor<[d, f]>
  %c = nn.param : !nn.tensor<[f]>
  %a = nn.contract %x, %w, %c {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]>, !nn.tensor<[f]> -> !nn.seq<[b, n, f]>
  %y = nn.map %a : !nn.seq<[b, n, f]> -> !nn.seq<[b, n, f]> {
  ^bb0(%q: f32):
    %s = arith.negf %q : f32
    %e = math.exp %s : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %e, %one : f32
    %sig = arith.divf %q, %den : f32
    nn.yield %sig : f32
  }
  %t = nn.transpose %y {permutation = [1, 0, 2]} : !nn.seq<[b, n, f]> -> !nn.seq<[n, b, f]>
  nn.output %t : !nn.seq<[n, b, f]>
}

// -----

// Row by row (band-block-rows=0, the GPU's form), a causal contraction
// counts each row's slice: the counter is inside the loop and its product
// has the row's extent 1 and the band's length; the output is zero-filled
// once, before the loop.
// CHECK-LABEL: func.func @causal(
// CHECK-SAME: %[[CTR:[^:]+]]: memref<?xi64> {costopt.name = "counters"
// CHECK: linalg.fill {costopt.layer = 0 : i64}
// CHECK-NOT: memref.load
// CHECK: scf.for
// CHECK: %[[LEN:.+]] = arith.subi
// CHECK: tensor.extract_slice {{.+}} to tensor<?x1x?xf32>
// CHECK: tensor.extract_slice {{.+}} to tensor<?x1x?xf32>
// CHECK-NEXT: %[[TWO:.+]] = arith.constant 2 : index
// CHECK: %[[W1:.+]] = arith.muli %[[TWO]], %{{.+}} : index
// CHECK-NEXT: %[[ROW:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[W2:.+]] = arith.muli %[[W1]], %[[ROW]] : index
// CHECK-NEXT: %[[W3:.+]] = arith.muli %[[W2]], %[[LEN]] : index
// CHECK-NEXT: %[[W4:.+]] = arith.muli %[[W3]], %{{.+}} : index
// CHECK-NEXT: %[[W64:.+]] = arith.index_cast %[[W4]] : index to i64
// CHECK-NEXT: %[[SLOT:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[CTR]][%[[SLOT]]] : memref<?xi64>
// CHECK-NEXT: %[[NEW:.+]] = arith.addi %[[OLD]], %[[W64]] : i64
// CHECK-NEXT: memref.store %[[NEW]], %[[CTR]][%[[SLOT]]] : memref<?xi64>
// CHECK-NEXT: linalg.generic
// CHECK: tensor.insert_slice
// CHECK-NEXT: scf.yield

// In blocks of 64 rows (the default): the block's dense rectangle counts
// its rows times its columns, then each row its own triangle.
// BLOCK-LABEL: func.func @causal(
// BLOCK-SAME: %[[CTR:[^:]+]]: memref<?xi64> {costopt.name = "counters"
// BLOCK-NOT: linalg.fill
// BLOCK: %[[STEP:.+]] = arith.constant 64 : index
// BLOCK: scf.for %[[R0:.+]] = %{{.+}} to %{{.+}} step %[[STEP]]
// BLOCK: %[[R1:.+]] = arith.minsi
// BLOCK-NEXT: %[[ROWS:.+]] = arith.subi %[[R1]], %[[R0]]
// BLOCK: tensor.extract_slice %{{.+}}[0, %[[R0]], %{{.+}}] [%{{.+}}, %[[ROWS]], %[[COLS:.+]]] [1, 1, 1]
// BLOCK-NEXT: arith.constant 0.0
// BLOCK-NEXT: linalg.fill {costopt.layer = 0 : i64}
// BLOCK-NEXT: %[[TWO:.+]] = arith.constant 2 : index
// BLOCK: %[[W1:.+]] = arith.muli %[[TWO]], %{{.+}} : index
// BLOCK-NEXT: %[[W2:.+]] = arith.muli %[[W1]], %[[ROWS]] : index
// BLOCK-NEXT: %[[W3:.+]] = arith.muli %[[W2]], %[[COLS]] : index
// BLOCK: memref.load %[[CTR]]
// BLOCK: linalg.generic
// BLOCK: tensor.insert_slice
// BLOCK: scf.for %{{.+}} = %[[R0]] to %[[R1]] step
// BLOCK: linalg.fill {costopt.layer = 0 : i64}
// BLOCK-NEXT: %[[TWOROW:.+]] = arith.constant 2 : index
// BLOCK: memref.load %[[CTR]]
// BLOCK: linalg.generic
// BLOCK: tensor.insert_slice
// BLOCK-NOT: memref.load
// BLOCK: linalg.fill {costopt.layer = 0 : i64}
// BLOCK-NEXT: tensor.insert_slice
// BLOCK-NEXT: scf.yield
nn.model @causal(%q: !nn.seq<[b, n, e]>, %k: !nn.seq<[b, n, e]>) symbols(b, n, e) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(b, p, k, e) -> (b, p, e)>, affine_map<(b, p, k, e) -> (b, k, e)>, affine_map<(b, p, k, e) -> (b, p, k)>], mask = affine_set<(b, p, k, e) : (p - k >= 0)>} : !nn.seq<[b, n, e]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, n]>
  nn.output %s : !nn.seq<[b, n, n]>
}

// -----

// An embedding (no float work), a prefix sum repeated L times (1 per state
// element, counted at every step in slot 2), the repeat's write-back (no
// counter) and a max (1 per input element, slot 3).
// CHECK-LABEL: func.func @misc(
// CHECK-SAME: %[[CTR:[^:]+]]: memref<?xi64> {costopt.name = "counters"
// CHECK-NOT: memref.load
// CHECK: tensor.extract
// CHECK-NOT: memref.load
// CHECK: scf.for
// CHECK: linalg.fill {costopt.layer = 2 : i64}
// CHECK-NOT: memref.load
// CHECK: scf.for
// CHECK-NEXT: %[[XT:.+]] = tensor.extract_slice
// CHECK-NEXT: %[[ONE:.+]] = arith.constant 1 : index
// CHECK: %[[W1:.+]] = arith.muli %[[ONE]], %{{.+}} : index
// CHECK-NEXT: %[[W2:.+]] = arith.muli %[[W1]], %{{.+}} : index
// CHECK-NEXT: %[[W64:.+]] = arith.index_cast %[[W2]] : index to i64
// CHECK-NEXT: %[[SLOT:.+]] = arith.constant 2 : index
// CHECK-NEXT: memref.load %[[CTR]][%[[SLOT]]]
// CHECK-NEXT: arith.addi %{{.+}}, %[[W64]] : i64
// CHECK-NEXT: memref.store %{{.+}}, %[[CTR]][%[[SLOT]]]
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%[[XT]] :
// CHECK: scf.yield
// CHECK-NEXT: }
// CHECK-NEXT: linalg.copy
// CHECK-NEXT: scf.yield
// CHECK: linalg.fill {costopt.layer = 3 : i64}
// CHECK-NEXT: %[[ONE3:.+]] = arith.constant 1 : index
// CHECK: %[[R1:.+]] = arith.muli %[[ONE3]], %{{.+}} : index
// CHECK-NEXT: %[[R2:.+]] = arith.muli %[[R1]], %{{.+}} : index
// CHECK-NEXT: %[[R3:.+]] = arith.muli %[[R2]], %{{.+}} : index
// CHECK-NEXT: %[[R64:.+]] = arith.index_cast %[[R3]] : index to i64
// CHECK-NEXT: %[[SLOT3:.+]] = arith.constant 3 : index
// CHECK-NEXT: memref.load %[[CTR]][%[[SLOT3]]]
// CHECK-NEXT: arith.addi %{{.+}}, %[[R64]] : i64
// CHECK-NEXT: memref.store %{{.+}}, %[[CTR]][%[[SLOT3]]]
// CHECK-NEXT: linalg.generic
// CHECK: arith.maximumf
nn.model @misc(%x: !nn.seq<[b, n, d]>, %ids: !nn.tokens<[b, n]>) symbols(b, n, d, V, L) {
  %table = nn.param : !nn.tensor<[V, d]>
  %emb = nn.gather %table, %ids : !nn.tensor<[V, d]>, !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %out = nn.repeat<L>(%z = %emb) : !nn.seq<[b, n, d]> {
    %s = nn.scan %z {kind = "sum"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
    nn.yield %s : !nn.seq<[b, n, d]>
  }
  %r = nn.reduce %out {kind = "max", dims = [2]} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 1]>
  nn.output %r : !nn.seq<[b, n, 1]>
}

// -----

// A linear recurrence: a multiply and an add per state element ([e]) and
// step.
// CHECK-LABEL: func.func @linear(
// CHECK: scf.for
// CHECK: %[[TWO:.+]] = arith.constant 2 : index
// CHECK: %[[W1:.+]] = arith.muli %[[TWO]], %{{.+}} : index
// CHECK-NEXT: arith.index_cast %[[W1]] : index to i64
// CHECK-NEXT: arith.constant 0 : index
// CHECK-NEXT: memref.load
// CHECK-NEXT: arith.addi
// CHECK-NEXT: memref.store
// CHECK-NEXT: linalg.generic
nn.model @linear(%x: !nn.seq<[n, e]>, %a: !nn.tensor<[e]>) symbols(n, e) {
  %r = nn.scan %x, %a {kind = "linear"} : !nn.seq<[n, e]>, !nn.tensor<[e]> -> !nn.seq<[n, e]>
  nn.output %r : !nn.seq<[n, e]>
}

// -----

// A hand-written kernel: only ops that read or produce a float count (the
// float constant and the index arithmetic do not), so 3 per point; the
// untagged fill does no float work and is left alone.
// CHECK-LABEL: func.func @handwritten(
// CHECK-SAME: %[[CTR:[^:]+]]: memref<?xi64> {costopt.role = "counters"}
// CHECK-SAME: %[[X:[^:]+]]: tensor<4x?xf32>
// CHECK-NEXT: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[E:.+]] = tensor.empty
// CHECK-NEXT: %[[F:.+]] = linalg.fill ins(%[[ZERO]] : f32)
// CHECK-NEXT: %[[THREE:.+]] = arith.constant 3 : index
// CHECK-NEXT: %[[C1:.+]] = arith.constant 1 : index
// CHECK-NEXT: %[[D1:.+]] = tensor.dim %[[X]], %[[C1]]
// CHECK: %[[FOUR:.+]] = arith.constant 4 : index
// CHECK-NEXT: %[[W1:.+]] = arith.muli %[[THREE]], %[[FOUR]] : index
// CHECK-NEXT: %[[W2:.+]] = arith.muli %[[W1]], %[[D1]] : index
// CHECK-NEXT: %[[W64:.+]] = arith.index_cast %[[W2]] : index to i64
// CHECK-NEXT: %[[SLOT:.+]] = arith.constant 7 : index
// CHECK-NEXT: %[[OLD:.+]] = memref.load %[[CTR]][%[[SLOT]]] : memref<?xi64>
// CHECK-NEXT: %[[NEW:.+]] = arith.addi %[[OLD]], %[[W64]] : i64
// CHECK-NEXT: memref.store %[[NEW]], %[[CTR]][%[[SLOT]]] : memref<?xi64>
// CHECK-NEXT: linalg.generic
func.func @handwritten(%counters: memref<?xi64> {costopt.role = "counters"}, %x: tensor<4x?xf32>) -> tensor<4x?xf32> {
  %zero = arith.constant 0.0 : f32
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c1 : tensor<4x?xf32>
  %e = tensor.empty(%n) : tensor<4x?xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x?xf32>) -> tensor<4x?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x?xf32>) outs(%f : tensor<4x?xf32>) attrs = {costopt.layer = 7 : i64} {
  ^bb0(%in: f32, %out: f32):
    %i = linalg.index 0 : index
    %j = arith.addi %i, %i : index
    %half = arith.constant 0.5 : f32
    %m = arith.mulf %in, %half : f32
    %pos = arith.cmpf ogt, %m, %out : f32
    %s = arith.select %pos, %m, %out : f32
    linalg.yield %s : f32
  } -> tensor<4x?xf32>
  return %r : tensor<4x?xf32>
}

// -----

// A function without a counters argument is not a lowered model: untouched,
// even with untagged float work.
// CHECK-LABEL: func.func @not_a_kernel(
// CHECK-NOT: memref
// CHECK: linalg.generic
// CHECK-NOT: costopt.layer
func.func @not_a_kernel(%x: tensor<8xf32>) -> tensor<8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<8xf32>) outs(%x : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}
