// The defaults break K <= E: 3 experts of 2 per token.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, E = 2, K = 3)
    where (K <= E) {
  %y = nn.moe %x {experts = E, top_k = K, hidden = d, activation = "silu"} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
