// d/2 is an integer only when 2 divides d; nothing says so (and d = 5).
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 5) {
  %y = nn.ffn %x {hidden = d/2, activation = "relu"} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
