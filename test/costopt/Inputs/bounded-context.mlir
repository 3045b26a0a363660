// A context bounded by the model's where clause, as an imported causal-mask
// buffer bounds it: every evaluated point is checked against the bound.
nn.model @bounded(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n, d = 64) where (n <= 1024) {
  %y = nn.attention %x {heads = 1, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
