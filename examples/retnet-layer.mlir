// Retention (Sun et al. 2023, "Retentive Network"), in its recurrent form,
// written from primitives as a user-defined layer: per head,
//   S_t = γ·S_{t-1} + k_tᵀ·v_t,    o_t = q_t·S_t,
// an e×e state per head instead of a KV cache. γ is fixed per head
// (nn.constant: no parameters). The scan is counted as the loop it is: n
// dependent steps, so Table 1 shows O(n) sequential operations, like an
// RNN, with O(n·d·e) work. Group norm, the swish gate and xPos are left out.

nn.model @retention(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, e) {
  %wq = nn.param : !nn.tensor<[d, h, e]>
  %wk = nn.param : !nn.tensor<[d, h, e]>
  %wv = nn.param : !nn.tensor<[d, h, e]>
  %wo = nn.param : !nn.tensor<[h, e, d]>
  %gamma = nn.constant : !nn.tensor<[h, 1, 1, 1]>
  // Projections to [b, h, n, e] (positions second-to-last).
  %q = nn.contract %x, %wq {indexing_maps = [affine_map<(b, h, t, i, c) -> (b, t, c)>, affine_map<(b, h, t, i, c) -> (c, h, i)>, affine_map<(b, h, t, i, c) -> (b, h, t, i)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, h, e]> -> !nn.seq<[b, h, n, e]>
  %k = nn.contract %x, %wk {indexing_maps = [affine_map<(b, h, t, i, c) -> (b, t, c)>, affine_map<(b, h, t, i, c) -> (c, h, i)>, affine_map<(b, h, t, i, c) -> (b, h, t, i)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, h, e]> -> !nn.seq<[b, h, n, e]>
  %v = nn.contract %x, %wv {indexing_maps = [affine_map<(b, h, t, i, c) -> (b, t, c)>, affine_map<(b, h, t, i, c) -> (c, h, i)>, affine_map<(b, h, t, i, c) -> (b, h, t, i)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, h, e]> -> !nn.seq<[b, h, n, e]>
  // k_tᵀ·v_t for every t, laid out [b, h, i, t, j] so positions stay second-to-last.
  %kv = nn.contract %k, %v {indexing_maps = [affine_map<(b, h, i, t, j) -> (b, h, t, i)>, affine_map<(b, h, i, t, j) -> (b, h, t, j)>, affine_map<(b, h, i, t, j) -> (b, h, i, t, j)>]} : !nn.seq<[b, h, n, e]>, !nn.seq<[b, h, n, e]> -> !nn.seq<[b, h, e, n, e]>
  %s = nn.scan %kv, %gamma {kind = "linear"} : !nn.seq<[b, h, e, n, e]>, !nn.tensor<[h, 1, 1, 1]> -> !nn.seq<[b, h, e, n, e]>
  %o = nn.contract %q, %s {indexing_maps = [affine_map<(b, h, t, i, j) -> (b, h, t, i)>, affine_map<(b, h, t, i, j) -> (b, h, i, t, j)>, affine_map<(b, h, t, i, j) -> (b, h, t, j)>]} : !nn.seq<[b, h, n, e]>, !nn.seq<[b, h, e, n, e]> -> !nn.seq<[b, h, n, e]>
  %y = nn.contract %o, %wo {indexing_maps = [affine_map<(b, t, c, h, j) -> (b, h, t, j)>, affine_map<(b, t, c, h, j) -> (h, j, c)>, affine_map<(b, t, c, h, j) -> (b, t, c)>]} : !nn.seq<[b, h, n, e]>, !nn.tensor<[h, e, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// RetNet-1.3B's shape (Table 7 of the paper): d = 2048, 8 heads, 24 layers.
nn.model @retnet(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 2048, d = 2048, h = 8, L = 24)
    where (d mod h == 0) {
  %out = nn.repeat<L>(%z = %x) : !nn.seq<[b, n, d]> {
    %n1 = nn.layer_norm %z : !nn.seq<[b, n, d]>
    %r = nn.call @retention(%n1) {h = h, e = d/h} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
    %s1 = nn.add %z, %r : !nn.seq<[b, n, d]>
    %n2 = nn.layer_norm %s1 : !nn.seq<[b, n, d]>
    %f = nn.ffn %n2 {hidden = 2*d, activation = "gelu"} : !nn.seq<[b, n, d]>
    %s2 = nn.add %s1, %f : !nn.seq<[b, n, d]>
    nn.yield %s2 : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}
