// Masked ops whose blocks must not start or skip what they should not
// (verify-band-blocks.test; each was wrong in a first version of the
// blocks, found in review, and ran at n = 1..199 against the reference):
// - @column_sums: the result is indexed by the band's columns but not its
//   rows, so every row adds into it: no part may start it from zero.
// - @masked_sums: a masked sum keeping both band axes reads its zeros.
// - @reduced_before: a reduction drops an axis before the band's columns;
//   its result keeps it as extent 1, so the consumer's axes are shifted.
nn.model @column_sums(%w: !nn.seq<[n, n]>, %g: !nn.seq<[n, d]>) symbols(n = 5, d = 3) {
  %o = nn.contract %w, %g {indexing_maps = [affine_map<(p, t, c) -> (p, t)>, affine_map<(p, t, c) -> (p, c)>, affine_map<(p, t, c) -> (t, c)>], mask = affine_set<(p, t, c) : (p - t >= 0)>} : !nn.seq<[n, n]>, !nn.seq<[n, d]> -> !nn.seq<[n, d]>
  nn.output %o : !nn.seq<[n, d]>
}

nn.model @masked_sums(%x: !nn.seq<[n, m, n]>) symbols(n = 4, m = 2) {
  %r = nn.reduce %x {kind = "sum", dims = [1], mask = affine_set<(p, h, k) : (p - k >= 0)>} : !nn.seq<[n, m, n]> -> !nn.seq<[n, 1, n]>
  nn.output %r : !nn.seq<[n, 1, n]>
}

nn.model @reduced_before(%x: !nn.seq<[n, m, n, n]>) symbols(n = 4, m = 2) {
  %r = nn.reduce %x {kind = "max", dims = [1], mask = affine_set<(p, h, u, k) : (p - k >= 0)>} : !nn.seq<[n, m, n, n]> -> !nn.seq<[n, 1, n, n]>
  %y = nn.map %r mask affine_set<(p, h, u, k) : (p - u >= 0)> : !nn.seq<[n, 1, n, n]> -> !nn.seq<[n, 1, n, n]> {
  ^bb0(%a: f32):
    nn.yield %a : f32
  }
  nn.output %y : !nn.seq<[n, 1, n, n]>
}
