// A dimension n - n = 0.
nn.model @m(%x: !nn.seq<[b, n - n, d]>) symbols(b = 1, n = 8, d = 4) {
  nn.output %x : !nn.seq<[b, n - n, d]>
}
