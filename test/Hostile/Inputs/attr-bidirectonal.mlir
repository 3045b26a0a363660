// 'bidirectonal' for 'bidirectional' (the result width 2*d then disagrees, or not).
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.recurrent %x {cell = "gru", hidden = d, bidirectonal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
