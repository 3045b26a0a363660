// nn.add takes no attributes.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.add %x, %x {scale = 2} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
