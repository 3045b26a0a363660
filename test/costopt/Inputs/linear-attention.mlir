// Linear attention in the variants its decomposition covers: non-causal
// with relu features and grouped keys and values (2 query heads per group),
// causal with the identity map, and without a batch ([n, d], as Table 1's
// layers are written).
nn.model @bidirectional_relu_gqa(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 64, d = 32, h = 4, g = 2)
    where (d mod h == 0, h mod g == 0) {
  %a = nn.attention %x {heads = h, kv_heads = g, kind = "linear", feature_map = "relu"} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

nn.model @causal_identity(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 64, d = 32, h = 4)
    where (d mod h == 0) {
  %a = nn.attention %x {heads = h, kind = "linear", feature_map = "identity", causal, no_bias} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

nn.model @unbatched_causal(%x: !nn.seq<[n, d]>) symbols(n = 64, d = 32, h = 4)
    where (d mod h == 0) {
  %a = nn.attention %x {heads = h, kind = "linear", causal} : !nn.seq<[n, d]>
  nn.output %a : !nn.seq<[n, d]>
}
