// Contractions in the layouts a model's heads give them, each one a batched
// or multi-dimensional product that costopt-cpu-schedule rewrites into
// 2-D products (cpu-schedule.test, BATCHED): operands transposed and
// collapsed only where their order needs it, one product per batch element.
nn.model @heads(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 13, d = 12, h = 3, e = 5) {
  %wq = nn.param : !nn.tensor<[d, h, e]>
  %bq = nn.param : !nn.tensor<[h, 1, e]>
  %wk = nn.param : !nn.tensor<[d, h, e]>
  // Rows (b, t), columns (h, i), summed c; C in another order, a bias as
  // the accumulator's start.
  %q = nn.contract %x, %wq, %bq {indexing_maps = [affine_map<(b, h, t, i, c) -> (b, t, c)>, affine_map<(b, h, t, i, c) -> (c, h, i)>, affine_map<(b, h, t, i, c) -> (b, h, t, i)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, h, e]>, !nn.tensor<[h, 1, e]> -> !nn.seq<[b, h, n, e]>
  %k = nn.contract %x, %wk {indexing_maps = [affine_map<(b, h, t, i, c) -> (b, t, c)>, affine_map<(b, h, t, i, c) -> (c, h, i)>, affine_map<(b, h, t, i, c) -> (b, h, t, i)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, h, e]> -> !nn.seq<[b, h, n, e]>
  // Batch (b, h), B transposed as it is: no copy.
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(b, h, p, t, i) -> (b, h, p, i)>, affine_map<(b, h, p, t, i) -> (b, h, t, i)>, affine_map<(b, h, p, t, i) -> (b, h, p, t)>]} : !nn.seq<[b, h, n, e]>, !nn.seq<[b, h, n, e]> -> !nn.seq<[b, h, n, n]>
  // Batch (b, h), B plain.
  %o = nn.contract %s, %k {indexing_maps = [affine_map<(b, h, p, i, t) -> (b, h, p, t)>, affine_map<(b, h, p, i, t) -> (b, h, t, i)>, affine_map<(b, h, p, i, t) -> (b, h, p, i)>]} : !nn.seq<[b, h, n, n]>, !nn.seq<[b, h, n, e]> -> !nn.seq<[b, h, n, e]>
  // Summed (h, j), A transposed to [b, t, h, j].
  %wo = nn.param : !nn.tensor<[h, e, d]>
  %y = nn.contract %o, %wo {indexing_maps = [affine_map<(b, t, c, h, j) -> (b, h, t, j)>, affine_map<(b, t, c, h, j) -> (h, j, c)>, affine_map<(b, t, c, h, j) -> (b, t, c)>]} : !nn.seq<[b, h, n, e]>, !nn.tensor<[h, e, d]> -> !nn.seq<[b, n, d]>
  // B [u, c, v]: neither plain nor transposed, so transposed to [c, u, v].
  %w6 = nn.param : !nn.tensor<[h, d, e]>
  %z = nn.contract %y, %w6 {indexing_maps = [affine_map<(b, t, u, v, c) -> (b, t, c)>, affine_map<(b, t, u, v, c) -> (u, c, v)>, affine_map<(b, t, u, v, c) -> (b, t, u, v)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[h, d, e]> -> !nn.seq<[b, n, h, e]>
  // Summed (u, v) in A's order, B [v, u, c]: transposed to [u, v, c].
  %w7 = nn.param : !nn.tensor<[e, h, d]>
  %out = nn.contract %z, %w7 {indexing_maps = [affine_map<(b, t, c, u, v) -> (b, t, u, v)>, affine_map<(b, t, c, u, v) -> (v, u, c)>, affine_map<(b, t, c, u, v) -> (b, t, c)>]} : !nn.seq<[b, n, h, e]>, !nn.tensor<[e, h, d]> -> !nn.seq<[b, n, d]>
  nn.output %out : !nn.seq<[b, n, d]>
}
