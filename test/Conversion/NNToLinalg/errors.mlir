// RUN: costopt-opt %s -split-input-file -verify-diagnostics --costopt-convert-nn-to-linalg

// What the lowering refuses, located at the op it cannot lower. Layers are
// not decomposed here (costopt-decompose-layers is not in the pipeline), so
// even those that decompose are refused.

nn.model @lstm(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{cannot lower 'nn.recurrent' to linalg: only primitives lower, and this layer stays one: it was not decomposed}}
  %y = nn.recurrent %x {cell = "lstm", hidden = d} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{cannot lower 'nn.conv' to linalg}}
  %y = nn.conv %x {kernel = 3} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// A layer inside a repeat (and after ops that lowered) is reported where it is.
nn.model @in_repeat(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, L) where (d mod h == 0) {
  %out = nn.repeat<L>(%z = %x) : !nn.seq<[b, n, d]> {
    %s = nn.map %z : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]> {
    ^bb0(%a: f32):
      %t = arith.mulf %a, %a : f32
      nn.yield %t : f32
    }
    // expected-error @+1 {{cannot lower 'nn.attention' to linalg}}
    %a = nn.attention %s {heads = h} : !nn.seq<[b, n, d]>
    nn.yield %a : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}

// -----

// A reversed index (s0 - t) would need a reversed slice.
nn.model @reversed(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %w = nn.param : !nn.tensor<[n, d]>
  // expected-error @+1 {{cannot lower: index 1 of an operand has a negative coefficient on d1 (a reversed index)}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, c)[s0] -> (b, s0 - t, c)>, affine_map<(b, t, c)[s0] -> (t, c)>, affine_map<(b, t, c)[s0] -> (b, t)>], symbols = [n - 1]} : !nn.seq<[b, n, d]>, !nn.tensor<[n, d]> -> !nn.tensor<[b, n]>
  nn.output %y : !nn.tensor<[b, n]>
}

// -----

// The mask's row dimension t appears in a sum (t + j): a row is not a slice.
nn.model @masked_sum(%x: !nn.seq<[b, n, c]>) symbols(b, n, c) {
  %w = nn.param : !nn.tensor<[n, c, c]>
  // expected-error @+1 {{cannot lower: the mask's dimensions d1 and d3 must index operands bare (not in a sum) to loop over its rows}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i) -> (b, t + j, i)>, affine_map<(b, t, o, j, i) -> (j, i, o)>, affine_map<(b, t, o, j, i) -> (b, t, o)>], mask = affine_set<(b, t, o, j, i) : (t - j >= 0)>} : !nn.seq<[b, n, c]>, !nn.tensor<[n, c, c]> -> !nn.seq<[b, n, c]>
  nn.output %y : !nn.seq<[b, n, c]>
}

// -----

// A masked reduction over the band's rows cannot loop over them.
nn.model @masked_rows(%s: !nn.seq<[b, n, n]>) symbols(b, n) {
  // expected-error @+1 {{cannot lower: a masked reduction must keep the mask's row dimension d1}}
  %r = nn.reduce %s {kind = "sum", dims = [1], mask = affine_set<(b, p, k) : (p - k >= 0)>} : !nn.seq<[b, n, n]> -> !nn.seq<[b, 1, n]>
  nn.output %r : !nn.seq<[b, 1, n]>
}

// -----

// An opaque op has a stated cost and no computation to run.
nn.model @opaque(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, unknown_Foo) {
  // expected-error @+1 {{cannot lower nn.opaque 'Foo': costopt knows only its stated cost, not what it computes}}
  %y = nn.opaque %x {kind = "Foo", flops = unknown_Foo} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// A scatter into a reversed index (h - 1 - i) would need a reversed target.
nn.model @reversed_scatter(%x: !nn.tensor<[b, h]>) symbols(b, h) {
  %w = nn.param : !nn.tensor<[3]>
  // expected-error @+1 {{cannot lower: result index 1 has a negative coefficient on d1 (a reversed scatter)}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(n, i, k) -> (n, i)>, affine_map<(n, i, k) -> (k)>, affine_map<(n, i, k) -> (n, k + 4 - i)>]} : !nn.tensor<[b, h]>, !nn.tensor<[3]> -> !nn.tensor<[b, h]>
  nn.output %y : !nn.tensor<[b, h]>
}

// -----

// A scatter whose offset is a size of either sign (i + k - s0, s0 = p - 3)
// has a target whose start is not a number. (One of known sign, -p, is
// fine: the target then starts at the written span.)
nn.model @symbolic_scatter_offset(%x: !nn.tensor<[b, h]>) symbols(b, h, p) {
  %w = nn.param : !nn.tensor<[3]>
  // expected-error @+1 {{cannot lower: result index 1 scatters with an offset of -p + 3, which must be a number}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(n, i, k)[s0] -> (n, i)>, affine_map<(n, i, k)[s0] -> (k)>, affine_map<(n, i, k)[s0] -> (n, i + k - s0)>], symbols = [p - 3]} : !nn.tensor<[b, h]>, !nn.tensor<[3]> -> !nn.tensor<[b, h]>
  nn.output %y : !nn.tensor<[b, h]>
}
