// A fractional layer size: 7/2 hidden units.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.ffn %x {hidden = 7/2, activation = "relu"} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
