// window = r with the default r = 1 and only r <= n known: 1,312 FLOPs, 80 params.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, r = 1) where (r <= n) {
  %y = nn.attention %x {heads = 1, window = r, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
