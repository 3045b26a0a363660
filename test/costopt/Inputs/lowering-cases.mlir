// Primitive shapes that the lowering once got wrong, each run by
// verify.test against the reference evaluator (values) and the prediction
// (counts).

// A masked max over a dimension outside the band: zero outside the mask.
nn.model @masked_max(%x: !nn.seq<[b, n, n, e]>) symbols(b = 2, n = 5, e = 3) {
  %m = nn.reduce %x {kind = "max", dims = [3], mask = affine_set<(b, p, k, e) : (p - k >= 0)>} : !nn.seq<[b, n, n, e]> -> !nn.seq<[b, n, n, 1]>
  nn.output %m : !nn.seq<[b, n, n, 1]>
}

// A per-step decay that broadcasts over the other axes.
nn.model @decay_broadcast(%x: !nn.seq<[b, 2, n, 4]>, %a: !nn.seq<[b, 1, n, 1]>) symbols(b = 2, n = 6) {
  %r = nn.scan %x, %a {kind = "linear"} : !nn.seq<[b, 2, n, 4]>, !nn.seq<[b, 1, n, 1]> -> !nn.seq<[b, 2, n, 4]>
  nn.output %r : !nn.seq<[b, 2, n, 4]>
}

// A per-step decay of lower rank.
nn.model @decay_low_rank(%x: !nn.seq<[b, h, n, e]>, %a: !nn.seq<[n, e]>) symbols(b = 2, h = 3, n = 5, e = 4) {
  %r = nn.scan %x, %a {kind = "linear"} : !nn.seq<[b, h, n, e]>, !nn.seq<[n, e]> -> !nn.seq<[b, h, n, e]>
  nn.output %r : !nn.seq<[b, h, n, e]>
}

// A centred 3-tap convolution over a static channel count: padded on both
// sides.
nn.model @padded_conv(%x: !nn.seq<[b, n, 4]>) symbols(b = 2, n = 7) {
  %w = nn.param : !nn.tensor<[3, 4, 4]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i) -> (b, t + j - 1, i)>, affine_map<(b, t, o, j, i) -> (j, i, o)>, affine_map<(b, t, o, j, i) -> (b, t, o)>]} : !nn.seq<[b, n, 4]>, !nn.tensor<[3, 4, 4]> -> !nn.seq<[b, n, 4]>
  nn.output %y : !nn.seq<[b, n, 4]>
}

// Splitting the model dimension into heads (two symbolic sizes in one
// group), then mixing the heads.
nn.model @heads(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 4, d = 8, h = 2) where (d mod h == 0) {
  %r = nn.reshape %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, h, d/h]>
  %s = nn.map %r sizes [h] : !nn.seq<[b, n, h, d/h]> -> !nn.seq<[b, n, h, d/h]> {
  ^bb0(%v: f32, %heads: f32):
    %q = arith.divf %v, %heads : f32
    nn.yield %q : f32
  }
  nn.output %s : !nn.seq<[b, n, h, d/h]>
}

// No outputs: nothing runs, nothing is counted, no values to compare.
nn.model @no_output(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 4, d = 2) {
  nn.output
}
