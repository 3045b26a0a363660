nn.model @window(%x: !nn.seq<[n, d]>) symbols(n = 4096, d, r = 256) where (r <= n) {
  %y = nn.attention %x {heads = 1, window = r, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
