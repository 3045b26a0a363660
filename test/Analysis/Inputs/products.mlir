// Contractions with nothing summed (product-backward.test).
nn.model @outer(%a: !nn.seq<[n, e]>, %b: !nn.seq<[n, f]>) symbols(n = 8, e = 4, f = 4) {
  %o = nn.contract %a, %b {indexing_maps = [affine_map<(t, i, j) -> (t, i)>, affine_map<(t, i, j) -> (t, j)>, affine_map<(t, i, j) -> (t, i, j)>]} : !nn.seq<[n, e]>, !nn.seq<[n, f]> -> !nn.seq<[n, e, f]>
  nn.output %o : !nn.seq<[n, e, f]>
}

nn.model @scaled(%a: !nn.seq<[n, e]>) symbols(n = 8, e = 4) {
  %s = nn.param : !nn.tensor<[e]>
  %o = nn.contract %a, %s {indexing_maps = [affine_map<(t, i) -> (t, i)>, affine_map<(t, i) -> (i)>, affine_map<(t, i) -> (t, i)>]} : !nn.seq<[n, e]>, !nn.tensor<[e]> -> !nn.seq<[n, e]>
  nn.output %o : !nn.seq<[n, e]>
}
