// Recurrent layers of every cell, stacked and bidirectional, decomposed
// into nn.recur by decompose-recurrent.test and run by verify.test.
nn.model @elman(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 6, h = 5) {
  %y = nn.recurrent %x {cell = "elman", hidden = h} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, h]>
  nn.output %y : !nn.seq<[b, n, h]>
}
nn.model @gru_bi(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 6, h = 5) {
  %y = nn.recurrent %x {cell = "gru", hidden = h, bidirectional} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*h]>
  nn.output %y : !nn.seq<[b, n, 2*h]>
}
nn.model @lstm_stack(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 6) {
  %y = nn.recurrent %x {cell = "lstm", hidden = d, layers = 3, no_bias} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
nn.model @lstm_bi_stack(%x: !nn.seq<[n, d]>) symbols(n = 8, d = 6, h = 4) {
  %y = nn.recurrent %x {cell = "lstm", hidden = h, layers = 2, bidirectional} : !nn.seq<[n, d]> -> !nn.seq<[n, 2*h]>
  nn.output %y : !nn.seq<[n, 2*h]>
}
