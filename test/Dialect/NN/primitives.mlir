// RUN: costopt-opt %s | costopt-opt | FileCheck %s
// RUN: costopt %s | FileCheck %s --check-prefix=COST

// The primitive level round-trips, and its costs come from shapes, maps,
// masks and bodies alone.

// CHECK-LABEL: nn.model @glu
// CHECK: nn.param : <[d, f]>
// CHECK: nn.contract
// CHECK: nn.map
// CHECK: math.exp
// CHECK: nn.contract {{.*}} mask = #set, symbols = [w]
// CHECK: nn.reduce {{.*}}mask = #set
nn.model @glu(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, f = 16, w = 3) where (w <= n) {
  %w1 = nn.param : !nn.tensor<[d, f]>
  %w2 = nn.param : !nn.tensor<[d, f]>
  %b1 = nn.param : !nn.tensor<[f]>
  %a = nn.contract %x, %w1, %b1 {indexing_maps = [affine_map<(b, n, d, f) -> (b, n, d)>, affine_map<(b, n, d, f) -> (d, f)>, affine_map<(b, n, d, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]>, !nn.tensor<[f]> -> !nn.seq<[b, n, f]>
  %g = nn.contract %x, %w2 {indexing_maps = [affine_map<(b, n, d, f) -> (b, n, d)>, affine_map<(b, n, d, f) -> (d, f)>, affine_map<(b, n, d, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]> -> !nn.seq<[b, n, f]>
  // a · silu(g): neg, exp, add, div, mul = 5 FLOPs per element.
  %y = nn.map %a, %g : !nn.seq<[b, n, f]>, !nn.seq<[b, n, f]> -> !nn.seq<[b, n, f]> {
  ^bb0(%p: f32, %q: f32):
    %s = arith.negf %q : f32
    %e = math.exp %s : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %e, %one : f32
    %sig = arith.divf %q, %den : f32
    %r = arith.mulf %p, %sig : f32
    nn.yield %r : f32
  }
  // A causal window of w: query t scores min(t + 1, w) keys.
  %s = nn.contract %y, %y {indexing_maps = [affine_map<(b, q, k, f)[s0] -> (b, q, f)>, affine_map<(b, q, k, f)[s0] -> (b, k, f)>, affine_map<(b, q, k, f)[s0] -> (b, q, k)>], mask = affine_set<(b, q, k, f)[s0] : (q - k >= 0, k - q + s0 - 1 >= 0)>, symbols = [w]} : !nn.seq<[b, n, f]>, !nn.seq<[b, n, f]> -> !nn.seq<[b, n, n]>
  %r = nn.reduce %s {kind = "sum", dims = [2], mask = affine_set<(b, q, k)[s0] : (q - k >= 0, k - q + s0 - 1 >= 0)>, symbols = [w]} : !nn.seq<[b, n, n]> -> !nn.seq<[b, n, 1]>
  %o = nn.map %y, %r : !nn.seq<[b, n, f]>, !nn.seq<[b, n, 1]> -> !nn.seq<[b, n, f]> {
  ^bb0(%p: f32, %q: f32):
    %m = arith.mulf %p, %q : f32
    nn.yield %m : f32
  }
  nn.output %o : !nn.seq<[b, n, f]>
}

// 21 = 1 + 2 + 3·6 pairs at n = 8, w = 3; 2·21·f = 672 FLOPs.
// COST: nn.contract   O(n·f·w)               O(1)             O(n/w)
// COST: 18:8       nn.contract   1       1,152
// COST: 21:8       nn.map        1       640
// COST: 32:8       nn.contract   1       672
// COST: 33:8       nn.reduce     1       21
// COST: Parameters 144 2·d·f + f
// COST: Sequential depth 5
// COST: Maximum path length 1

// -----

// CHECK-LABEL: nn.model @recurrence
// CHECK: %{{.+}}:2 = nn.recur (%{{.+}}) init (%{{.+}}, %{{.+}}) {reverse} : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>, !nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> {
// CHECK-NEXT: ^bb0(%{{.+}}: !nn.tensor<[b, d]>, %{{.+}}: !nn.tensor<[b, d]>, %{{.+}}: !nn.tensor<[b, d]>):
nn.model @recurrence(%x: !nn.seq<[b, n, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, d) {
  %hs, %cs = nn.recur (%x) init (%h0, %h0) {reverse} : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>, !nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>, %c: !nn.tensor<[b, d]>):
    %s = nn.map %xt, %h : !nn.tensor<[b, d]>, !nn.tensor<[b, d]> -> !nn.tensor<[b, d]> {
    ^bb0(%a: f32, %b: f32):
      %p = arith.addf %a, %b : f32
      nn.yield %p : f32
    }
    nn.yield %s, %c : !nn.tensor<[b, d]>, !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}
