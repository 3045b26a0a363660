// A dialect-prefixed attribute on a layer: 'nn.windw' is still a typo.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = 1, "nn.windw" = 2} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
