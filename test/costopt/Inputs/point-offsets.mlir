// Index-map symbols are positions (a padding, a band limit): 0 is allowed,
// a negative or fractional one is not. Sizes stay at least 1.
nn.model @pads(%x: !nn.seq<[n, c]>) symbols(n = 8, c = 4, k = 4) {
  %w = nn.param : <[c, 1, k]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(t, ch, j)[s0] -> (t + j - s0, ch)>,
                                             affine_map<(t, ch, j)[s0] -> (ch, 0, j)>,
                                             affine_map<(t, ch, j)[s0] -> (t, ch)>],
                           symbols = [k - 1]}
      : !nn.seq<[n, c]>, !nn.tensor<[c, 1, k]> -> !nn.seq<[n, c]>
  %z = nn.contract %y, %w {indexing_maps = [affine_map<(t, ch, j)[s0] -> (t + j - s0, ch)>,
                                             affine_map<(t, ch, j)[s0] -> (ch, 0, j)>,
                                             affine_map<(t, ch, j)[s0] -> (t, ch)>],
                           symbols = [k/2 - 1]}
      : !nn.seq<[n, c]>, !nn.tensor<[c, 1, k]> -> !nn.seq<[n, c]>
  nn.output %z : !nn.seq<[n, c]>
}
