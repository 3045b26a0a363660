// The defaults break k >= 2.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, k = 1)
    where (k >= 2) {
  %y = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
