// RUN: costopt-opt %s -split-input-file -verify-diagnostics

// Every verifier error of the primitive level and of nn.call.

nn.model @no_extent(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %w = nn.param : !nn.tensor<[d, d]>
  // expected-error @+1 {{iteration dimension d4 has no extent: no map names it as a bare index}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(i, j, k, l, m) -> (i, j, k)>, affine_map<(i, j, k, l, m) -> (k, l)>, affine_map<(i, j, k, l, m) -> (i, j, l)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @extent_mismatch(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, e) {
  %w = nn.param : !nn.tensor<[e, d]>
  // expected-error @+1 {{iteration dimension d2 has extent d in one operand but e in the rhs (dimension 0)}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(i, j, k, l) -> (i, j, k)>, affine_map<(i, j, k, l) -> (k, l)>, affine_map<(i, j, k, l) -> (i, j, l)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[e, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @result_names_twice(%x: !nn.tensor<[b, d]>) symbols(b, d) {
  %w = nn.param : !nn.tensor<[d, d]>
  // expected-error @+1 {{the result map names d0 twice}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(i, k, l) -> (i, k)>, affine_map<(i, k, l) -> (k, l)>, affine_map<(i, k, l) -> (i, i)>]} : !nn.tensor<[b, d]>, !nn.tensor<[d, d]> -> !nn.tensor<[b, b]>
  nn.output %y : !nn.tensor<[b, b]>
}

// -----

// A scattering index may not involve a dimension that is also a bare
// result index (each point adds into one element).
nn.model @scatter_over_bare(%x: !nn.tensor<[b, h]>) symbols(b, h) {
  %w = nn.param : !nn.tensor<[3]>
  // expected-error @+1 {{the result map's index 1 scatters along d0, which another result index names bare}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(i, t, k) -> (i, t)>, affine_map<(i, t, k) -> (k)>, affine_map<(i, t, k) -> (i, t + k + i)>]} : !nn.tensor<[b, h]>, !nn.tensor<[3]> -> !nn.tensor<[b, h]>
  nn.output %y : !nn.tensor<[b, h]>
}

// -----

// Along the positions, a scatter must follow the operand's position one
// for one: a stride (2t + k) changes the length.
nn.model @scatter_stride_along_positions(%x: !nn.seq<[b, n, c]>) symbols(b, n, c) {
  %w = nn.param : !nn.tensor<[3, c, c]>
  // expected-error @+1 {{the result's position index (d1 * 2 + d3 - 1) scatters, which needs exactly one operand with positions, indexed bare and followed one for one (p + ...)}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, t, o, j, i) -> (b, t, i)>, affine_map<(b, t, o, j, i) -> (j, i, o)>, affine_map<(b, t, o, j, i) -> (b, t * 2 + j - 1, o)>]} : !nn.seq<[b, n, c]>, !nn.tensor<[3, c, c]> -> !nn.seq<[b, n, c]>
  nn.output %y : !nn.seq<[b, n, c]>
}

// -----

nn.model @bad_mask(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unsupported mask: a constraint that is not of the form d_i - d_j + c >= 0}}
  %s = nn.contract %x, %x {indexing_maps = [affine_map<(b, q, k, e) -> (b, q, e)>, affine_map<(b, q, k, e) -> (b, k, e)>, affine_map<(b, q, k, e) -> (b, q, k)>], mask = affine_set<(b, q, k, e) : (q - 2 * k >= 0)>} : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> -> !nn.seq<[b, n, n]>
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @mask_unequal(%x: !nn.seq<[b, n, d]>, %m: !nn.seq<[b, m, d]>) symbols(b, n, m, d) {
  // expected-error @+1 {{a band mask needs two dimensions of equal extent; d1 has n and d2 m}}
  %s = nn.contract %x, %m {indexing_maps = [affine_map<(b, q, k, e) -> (b, q, e)>, affine_map<(b, q, k, e) -> (b, k, e)>, affine_map<(b, q, k, e) -> (b, q, k)>], mask = affine_set<(b, q, k, e) : (q - k >= 0)>} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, d]> -> !nn.seq<[b, n, m]>
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @negative_reach(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, w) {
  // expected-error @+1 {{the mask's band reaches w - 2, which is not provably >= 0}}
  %s = nn.contract %x, %x {indexing_maps = [affine_map<(b, q, k, e)[s] -> (b, q, e)>, affine_map<(b, q, k, e)[s] -> (b, k, e)>, affine_map<(b, q, k, e)[s] -> (b, q, k)>], mask = affine_set<(b, q, k, e)[s] : (q - k >= 0, k - q + s - 2 >= 0)>, symbols = [w]} : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> -> !nn.seq<[b, n, n]>
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @map_broadcast(%x: !nn.seq<[b, n, d]>, %y: !nn.seq<[b, n, e]>) symbols(b, n, d, e) {
  // expected-error @+1 {{operand 1 of shape [b, n, e] does not broadcast to the result [b, n, d]}}
  %z = nn.map %x, %y : !nn.seq<[b, n, d]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, d]> {
  ^bb0(%p: f32, %q: f32):
    %s = arith.addf %p, %q : f32
    nn.yield %s : f32
  }
  nn.output %z : !nn.seq<[b, n, d]>
}

// -----

nn.model @map_body(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{body must end with 'nn.yield' of one f32}}
  %z = nn.map %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]> {
  ^bb0(%p: f32):
    nn.yield %p, %p : f32, f32
  }
  nn.output %z : !nn.seq<[b, n, d]>
}

// -----

nn.model @reduce_shape(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{result shape must be [b, n, 1]}}
  %r = nn.reduce %x {kind = "sum", dims = [2]} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n]>
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @reshape_count(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) {
  // expected-error @+1 {{changes the element count from b*d*n to b*h*n}}
  %r = nn.reshape %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, h]>
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @extract_past_end(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{the slice ends (n + 1) past the dimension (n)}}
  %r = nn.extract %x {dim = 1, offset = 1} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @layer(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) where (f mod 2 == 0) {
  nn.output %x : !nn.seq<[b, n, d]>
}

nn.model @unbound(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{symbol 'f' of @layer is not bound: give it as {f = ...}}}
  %y = nn.call @layer(%x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// f mod 2 == 0 makes f >= 2, a bound g = 1 breaks.
nn.model @layer(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) where (f mod 2 == 0) {
  nn.output %x : !nn.seq<[b, n, d]>
}

nn.model @odd(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, g) {
  // expected-error @+1 {{cannot prove that 'f' = g is at least 2, as @layer requires}}
  %y = nn.call @layer(%x) {f = g} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @layer(%x: !nn.seq<[b, n, 2*d]>) symbols(b, n, d) {
  nn.output %x : !nn.seq<[b, n, 2*d]>
}

nn.model @mismatch(%x: !nn.seq<[b, n, e]>) symbols(b, n, e) {
  // expected-error @+1 {{symbol 'd' of @layer is not bound}}
  %y = nn.call @layer(%x) : (!nn.seq<[b, n, e]>) -> !nn.seq<[b, n, e]>
  nn.output %y : !nn.seq<[b, n, e]>
}

// -----

nn.model @layer(%x: !nn.seq<[b, n, 2*d]>) symbols(b, n, d) {
  nn.output %x : !nn.seq<[b, n, 2*d]>
}

nn.model @mismatch2(%x: !nn.seq<[b, n, e]>) symbols(b, n, e) {
  // expected-error @+1 {{does not match @layer's input '!nn.seq<[b, n, 2*d]>', which is '!nn.seq<[b, n, 2*e]>' with these sizes}}
  %y = nn.call @layer(%x) {d = e} : (!nn.seq<[b, n, e]>) -> !nn.seq<[b, n, e]>
  nn.output %y : !nn.seq<[b, n, e]>
}

// -----

nn.model @nowhere(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{calls @missing, which is not an nn.model of this file}}
  %y = nn.call @missing(%x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// expected-note @+1 {{the constraint is here}}
nn.model @layer(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) where (f mod 3 == 0) {
  nn.output %x : !nn.seq<[b, n, d]>
}

nn.model @not_multiple(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, g) where (g >= 3) {
  // expected-error @+1 {{cannot prove @layer's constraint 'f % 3 == 0' for these sizes; add it to the caller's where clause}}
  %y = nn.call @layer(%x) {f = g} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @recur_weight_inside(%x: !nn.seq<[b, n, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, d) {
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    // expected-error @+1 {{inside nn.recur would be a new weight at every step; declare weights outside the recurrence}}
    %w = nn.param : !nn.tensor<[d, d]>
    nn.yield %h : !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}

// -----

nn.model @recur_step_type(%x: !nn.seq<[b, n, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, d) {
  // expected-error @+1 {{body argument 0 must be one step of input 0: !nn.tensor with its shape less the position axis}}
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, n, d]>, %h: !nn.tensor<[b, d]>):
    nn.yield %h : !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}

// -----

nn.model @recur_result_shape(%x: !nn.seq<[b, n, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, d) {
  // expected-error @+1 {{result 0 must be the sequence of state 0: its shape with the n steps before the last dimension}}
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, d, n]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    nn.yield %h : !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, d, n]>
}

// -----

nn.model @recur_yield(%x: !nn.seq<[b, n, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, d) {
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    // expected-error @+1 {{must yield the new states, of types}}
    nn.yield %h, %xt : !nn.tensor<[b, d]>, !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}

// -----

nn.model @recur_lengths(%x: !nn.seq<[b, n, d]>, %y: !nn.seq<[b, m, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, m, d) {
  // expected-error @+1 {{input 1 has m positions, input 0 has n}}
  %hs = nn.recur (%x, %y) init (%h0) : (!nn.seq<[b, n, d]>, !nn.seq<[b, m, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %yt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    nn.yield %h : !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}

// -----

nn.model @fractional_offset(%x: !nn.seq<[n, c]>) symbols(n, c) {
  %w = nn.param : !nn.tensor<[c, 1, 3]>
  // expected-error @+1 {{symbol 0 is 1/2; the symbols of index maps and masks are offsets, non-negative integers}}
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(t, ch, j)[s0] -> (t + j - s0, ch)>, affine_map<(t, ch, j)[s0] -> (ch, 0, j)>, affine_map<(t, ch, j)[s0] -> (t, ch)>], symbols = [1/2]} : !nn.seq<[n, c]>, !nn.tensor<[c, 1, 3]> -> !nn.seq<[n, c]>
  nn.output %y : !nn.seq<[n, c]>
}

// -----

nn.model @negative_band(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{symbol 0 is -1; the symbols of index maps and masks are offsets, non-negative integers}}
  %s = nn.contract %x, %x {indexing_maps = [affine_map<(b, q, k, e)[s] -> (b, q, e)>, affine_map<(b, q, k, e)[s] -> (b, k, e)>, affine_map<(b, q, k, e)[s] -> (b, q, k)>], mask = affine_set<(b, q, k, e)[s] : (q - k >= 0, k - q + s >= 0)>, symbols = [-1]} : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]> -> !nn.seq<[b, n, n]>
  nn.output %s : !nn.seq<[b, n, n]>
}

// -----

// expected-error @+1 {{position axis 3 is not an axis of the rank-3 sequence}}
nn.model @position_out_of_range(%x: !nn.seq<[b, n, d], position = 3>) symbols(b, n, d) {
  nn.output %x : !nn.seq<[b, n, d], position = 3>
}

// -----

// Built-in layers read the positions as the second-to-last axis.
nn.model @layer_with_position(%x: !nn.seq<[n, b, d], position = 0>) symbols(b, n, d) {
  // expected-error @+1 {{'nn.layer_norm' op operand 0 has its positions on axis 0; this op reads them as the second-to-last axis (only primitives accept another position axis)}}
  %y = nn.layer_norm %x : !nn.seq<[n, b, d], position = 0>
  nn.output %y : !nn.seq<[n, b, d], position = 0>
}

// -----

nn.model @scan_with_position(%x: !nn.seq<[n, b, d], position = 0>) symbols(b, n, d) {
  // expected-error @+1 {{'nn.scan' op operand 0 has its positions on axis 0}}
  %y = nn.scan %x {kind = "sum"} : !nn.seq<[n, b, d], position = 0>
  nn.output %y : !nn.seq<[n, b, d], position = 0>
}

// -----

nn.model @opaque_without_results(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'nn.opaque' op needs at least one operand and one result}}
  nn.opaque %x {kind = "Foo", flops = 1} : !nn.seq<[b, n, d]> -> ()
  nn.output %x : !nn.seq<[b, n, d]>
}

// -----

nn.model @opaque_unnamed(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'nn.opaque' op needs a non-empty kind}}
  %y = nn.opaque %x {kind = "", flops = 1} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @opaque_negative(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'nn.opaque' op 'flops' = -n is not provably a non-negative integer}}
  %y = nn.opaque %x {kind = "Foo", flops = -n} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @opaque_undeclared(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'nn.opaque' op uses undeclared symbol 'unknown_Foo'}}
  %y = nn.opaque %x {kind = "Foo", flops = unknown_Foo} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// In the generic form num_inputs is any integer: a negative one is shown as
// written, not as its unsigned reading.
nn.model @recur_negative_inputs(%x: !nn.seq<[b, n, d]>, %h0: !nn.tensor<[b, d]>) symbols(b, n, d) {
  // expected-error @+1 {{num_inputs -1 is not in [0, 2]}}
  %hs = "nn.recur"(%x, %h0) ({
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    nn.yield %h : !nn.tensor<[b, d]>
  }) {num_inputs = -1 : i64} : (!nn.seq<[b, n, d]>, !nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]>
  nn.output %hs : !nn.seq<[b, n, d]>
}
