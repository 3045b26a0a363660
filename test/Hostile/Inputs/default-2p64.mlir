// 2^64 + 1: beyond 64 bits.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 18446744073709551617) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
