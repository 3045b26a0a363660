// A model with a learned position table of 1,024 rows and no default for n.
nn.model @short(%x: !nn.seq<[n, d]>) symbols(n, d = 512) {
  %p = nn.positional %x {max_len = 1024} : !nn.seq<[n, d]>
  %y = nn.attention %p {heads = 1, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
