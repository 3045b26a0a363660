// A size given as a string.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = "2"} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
