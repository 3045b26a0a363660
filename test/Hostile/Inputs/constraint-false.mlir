// A constant constraint that is false.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) where (1 > 2) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
