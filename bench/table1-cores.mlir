// The mixing cores of Table 1 of "Attention Is All You Need", written with
// primitives so that each runs as a CPU kernel: `bench/table1_on_cpu.py`
// sweeps n at fixed d with `costopt verify` and compares the measured
// growth and the attention/recurrence crossover with the predicted ones.
// Projections are left out: Table 1 compares how each layer mixes positions.

// Self-attention: softmax(x·xᵀ)·x, O(n²·d).
nn.model @self_attention(%x: !nn.seq<[n, d]>) symbols(n = 256, d = 64) {
  %s = nn.contract %x, %x {indexing_maps = [affine_map<(p, k, c) -> (p, c)>, affine_map<(p, k, c) -> (k, c)>, affine_map<(p, k, c) -> (p, k)>]} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s sizes [d] : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%v: f32, %dim: f32):
    %r = math.rsqrt %dim : f32
    %t = arith.mulf %v, %r : f32
    %x2 = math.exp %t : f32
    nn.yield %x2 : f32
  }
  %z = nn.reduce %e {kind = "sum", dims = [1]} : !nn.seq<[n, n]> -> !nn.seq<[n, 1]>
  %p = nn.map %e, %z : !nn.seq<[n, n]>, !nn.seq<[n, 1]> -> !nn.seq<[n, n]> {
  ^bb0(%v: f32, %w: f32):
    %q = arith.divf %v, %w : f32
    nn.yield %q : f32
  }
  %y = nn.contract %p, %x {indexing_maps = [affine_map<(p, c, k) -> (p, k)>, affine_map<(p, c, k) -> (k, c)>, affine_map<(p, c, k) -> (p, c)>]} : !nn.seq<[n, n]>, !nn.seq<[n, d]> -> !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Recurrent: h_t = tanh(h_{t-1}·W + x_t), O(n·d²), n sequential steps.
nn.model @recurrent(%x: !nn.seq<[n, d]>) symbols(n = 256, d = 64) {
  %w = nn.param : !nn.tensor<[d, d]>
  %h0 = nn.constant : !nn.tensor<[1, d]>
  %x3 = nn.reshape %x : !nn.seq<[n, d]> -> !nn.seq<[1, n, d]>
  %hs = nn.recur (%x3) init (%h0) : (!nn.seq<[1, n, d]>) init (!nn.tensor<[1, d]>) -> !nn.seq<[1, n, d]> {
  ^bb0(%xt: !nn.tensor<[1, d]>, %h: !nn.tensor<[1, d]>):
    %a = nn.contract %h, %w, %xt {indexing_maps = [affine_map<(b, i, j) -> (b, i)>, affine_map<(b, i, j) -> (i, j)>, affine_map<(b, i, j) -> (b, j)>]} : !nn.tensor<[1, d]>, !nn.tensor<[d, d]>, !nn.tensor<[1, d]> -> !nn.tensor<[1, d]>
    %hn = nn.map %a : !nn.tensor<[1, d]> -> !nn.tensor<[1, d]> {
    ^bb0(%v: f32):
      %t = math.tanh %v : f32
      nn.yield %t : f32
    }
    nn.yield %hn : !nn.tensor<[1, d]>
  }
  %y = nn.reshape %hs : !nn.seq<[1, n, d]> -> !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Convolutional, a causal kernel of k = 3 taps: O(k·n·d²).
nn.model @convolution(%x: !nn.seq<[n, d]>) symbols(n = 256, d = 64) {
  %w = nn.param : !nn.tensor<[3, d, d]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(t, o, j, i) -> (t + j - 2, i)>, affine_map<(t, o, j, i) -> (j, i, o)>, affine_map<(t, o, j, i) -> (t, o)>]} : !nn.seq<[n, d]>, !nn.tensor<[3, d, d]> -> !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Self-attention restricted to the r = 32 previous positions: O(r·n·d).
nn.model @restricted_attention(%x: !nn.seq<[n, d]>) symbols(n = 256, d = 64) {
  %s = nn.contract %x, %x {indexing_maps = [affine_map<(p, k, c) -> (p, c)>, affine_map<(p, k, c) -> (k, c)>, affine_map<(p, k, c) -> (p, k)>], mask = affine_set<(p, k, c) : (p - k >= 0, k - p + 31 >= 0)>} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s mask affine_set<(p, k) : (p - k >= 0, k - p + 31 >= 0)> : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%v: f32):
    %x2 = math.exp %v : f32
    nn.yield %x2 : f32
  }
  %z = nn.reduce %e {kind = "sum", dims = [1], mask = affine_set<(p, k) : (p - k >= 0, k - p + 31 >= 0)>} : !nn.seq<[n, n]> -> !nn.seq<[n, 1]>
  %p = nn.map %e, %z mask affine_set<(p, k) : (p - k >= 0, k - p + 31 >= 0)> : !nn.seq<[n, n]>, !nn.seq<[n, 1]> -> !nn.seq<[n, n]> {
  ^bb0(%v: f32, %w: f32):
    %q = arith.divf %v, %w : f32
    nn.yield %q : f32
  }
  %y = nn.contract %p, %x {indexing_maps = [affine_map<(p, c, k) -> (p, k)>, affine_map<(p, c, k) -> (k, c)>, affine_map<(p, c, k) -> (p, c)>], mask = affine_set<(p, c, k) : (p - k >= 0, k - p + 31 >= 0)>} : !nn.seq<[n, n]>, !nn.seq<[n, d]> -> !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
