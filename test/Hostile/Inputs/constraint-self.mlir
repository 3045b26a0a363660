// n > n holds for no n.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) where (n > n) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
