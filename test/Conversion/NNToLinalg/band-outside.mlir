// RUN: costopt-opt %s -split-input-file --costopt-convert-nn-to-linalg --mlir-print-local-scope | FileCheck %s

// Scores read only inside their band (by a map with the same mask) are not
// written outside it: after the block's and the row's zero-started parts,
// no fill. The map's result is the model's output, whose zeros outside the
// band are written row by row (a fill after each row's parts).
// CHECK-LABEL: func.func @inside_only(
// CHECK-NOT: linalg.fill
// CHECK: scf.for
// CHECK: linalg.fill {costopt.layer = 0 : i64} {{.*}} -> tensor<?x?xf32>
// CHECK: linalg.generic {{.*}}{costopt.layer = 0 : i64}
// CHECK: linalg.fill {costopt.layer = 0 : i64} {{.*}} -> tensor<1x?xf32>
// CHECK: linalg.generic {{.*}}{costopt.layer = 0 : i64}
// CHECK-NOT: linalg.fill {costopt.layer = 0
// CHECK: linalg.generic {{.*}}{costopt.layer = 1 : i64}
// CHECK: linalg.generic {{.*}}{costopt.layer = 1 : i64}
// CHECK: linalg.fill {costopt.layer = 1 : i64} {{.*}} -> tensor<1x?xf32>
// CHECK: bufferization.materialize_in_destination
nn.model @inside_only(%q: !nn.seq<[n, d]>, %k: !nn.seq<[n, d]>) symbols(n, d) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(p, t, c) -> (p, c)>, affine_map<(p, t, c) -> (t, c)>, affine_map<(p, t, c) -> (p, t)>], mask = affine_set<(p, t, c) : (p - t >= 0)>} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s mask affine_set<(p, t) : (p - t >= 0)> : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %x = math.exp %a : f32
    nn.yield %x : f32
  }
  nn.output %e : !nn.seq<[n, n]>
}

// -----

// An unmasked map reads the scores everywhere: their zeros are written
// (a third fill, after the row's part).
// CHECK-LABEL: func.func @read_everywhere(
// CHECK: linalg.fill {costopt.layer = 0 : i64} {{.*}} -> tensor<1x?xf32>
// CHECK: linalg.generic {{.*}}{costopt.layer = 0 : i64}
// CHECK: linalg.fill {costopt.layer = 0 : i64} {{.*}} -> tensor<1x?xf32>
// CHECK: linalg.generic {{.*}}{costopt.layer = 1 : i64}
nn.model @read_everywhere(%q: !nn.seq<[n, d]>, %k: !nn.seq<[n, d]>) symbols(n, d) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(p, t, c) -> (p, c)>, affine_map<(p, t, c) -> (t, c)>, affine_map<(p, t, c) -> (p, t)>], mask = affine_set<(p, t, c) : (p - t >= 0)>} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %x = math.exp %a : f32
    nn.yield %x : f32
  }
  nn.output %e : !nn.seq<[n, n]>
}

// -----

// A map masked with a wider band (two more keys back) reads outside the
// scores' band: their zeros are written.
// CHECK-LABEL: func.func @wider_band(
// CHECK: linalg.fill {costopt.layer = 0 : i64} {{.*}} -> tensor<1x?xf32>
// CHECK: linalg.generic {{.*}}{costopt.layer = 0 : i64}
// CHECK: linalg.fill {costopt.layer = 0 : i64} {{.*}} -> tensor<1x?xf32>
// CHECK: linalg.generic {{.*}}{costopt.layer = 1 : i64}
nn.model @wider_band(%q: !nn.seq<[n, d]>, %k: !nn.seq<[n, d]>) symbols(n, d) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(p, t, c) -> (p, c)>, affine_map<(p, t, c) -> (t, c)>, affine_map<(p, t, c) -> (p, t)>], mask = affine_set<(p, t, c) : (p - t >= 0)>} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s mask affine_set<(p, t) : (p - t + 2 >= 0)> : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %x = math.exp %a : f32
    nn.yield %x : f32
  }
  nn.output %e : !nn.seq<[n, n]>
}

// -----

// A reduction keeps its reduced axis as extent 1, so its consumer's axes
// are not the linalg output's: the rule does not apply, and each row of
// the maxima fills its zeros outside the band (the 0.0 fill after the
// row's -inf start and part). A first version compared shifted axes and
// left them unwritten while the map, masked over other axes, read them.
// CHECK-LABEL: func.func @reduced_before(
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.for
// CHECK: scf.for
// CHECK: linalg.fill {costopt.layer = 0 : i64} ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x?x?xf32>)
// CHECK: linalg.fill {costopt.layer = 0 : i64} ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<1x?x?xf32>)
nn.model @reduced_before(%x: !nn.seq<[n, m, n, n]>) symbols(n, m) {
  %r = nn.reduce %x {kind = "max", dims = [1], mask = affine_set<(p, h, u, k) : (p - k >= 0)>} : !nn.seq<[n, m, n, n]> -> !nn.seq<[n, 1, n, n]>
  %y = nn.map %r mask affine_set<(p, h, u, k) : (p - u >= 0)> : !nn.seq<[n, 1, n, n]> -> !nn.seq<[n, 1, n, n]> {
  ^bb0(%a: f32):
    nn.yield %a : f32
  }
  nn.output %y : !nn.seq<[n, 1, n, n]>
}
