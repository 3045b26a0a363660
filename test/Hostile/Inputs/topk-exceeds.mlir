// 3 experts per token out of 2.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.moe %x {experts = 2, top_k = 3, hidden = d, activation = "silu"} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
