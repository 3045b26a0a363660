// The defaults break r <= n.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 4096, d = 64, r = 8192)
    where (r <= n) {
  %y = nn.attention %x {heads = 1, window = r, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
