// Single-head causal attention written with primitives (the kernel benchmark
// bench/KernelBench.cpp runs the same model): scores, exponentials, row sums,
// normalisation and weighted values, every step masked to t <= p.
nn.model @cattn(%q: !nn.seq<[n, d]>, %k: !nn.seq<[n, d]>, %v: !nn.seq<[n, d]>) symbols(n = 64, d = 64) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(p, t, c) -> (p, c)>, affine_map<(p, t, c) -> (t, c)>, affine_map<(p, t, c) -> (p, t)>], mask = affine_set<(p, t, c) : (p - t >= 0)>} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s mask affine_set<(p, t) : (p - t >= 0)> : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %c = arith.constant 1.250000e-01 : f32
    %m = arith.mulf %a, %c : f32
    %x = math.exp %m : f32
    nn.yield %x : f32
  }
  %z = nn.reduce %e {dims = [1], kind = "sum", mask = affine_set<(p, t) : (p - t >= 0)>} : !nn.seq<[n, n]> -> !nn.seq<[n, 1]>
  %w = nn.map %e, %z mask affine_set<(p, t) : (p - t >= 0)> : !nn.seq<[n, n]>, !nn.seq<[n, 1]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32, %b: f32):
    %r = arith.divf %a, %b : f32
    nn.yield %r : f32
  }
  %o = nn.contract %w, %v {indexing_maps = [affine_map<(p, c, t) -> (p, t)>, affine_map<(p, c, t) -> (t, c)>, affine_map<(p, c, t) -> (p, c)>], mask = affine_set<(p, c, t) : (p - t >= 0)>} : !nn.seq<[n, n]>, !nn.seq<[n, d]> -> !nn.seq<[n, d]>
  nn.output %o : !nn.seq<[n, d]>
}
