// A tied LM head whose input is not the table's width (d -> e before it):
// it cannot read the [V, d] table, so it stays a layer (decompose-tied.test).
nn.model @tied_width(%t: !nn.tokens<[b, n]>) symbols(b = 1, n = 8, d = 4, e = 6, V = 20) {
  %x = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %y = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, e]>
  %o = nn.unembedding %y {vocab = V, tied} : !nn.seq<[b, n, e]> -> !nn.seq<[b, n, V]>
  nn.output %o : !nn.seq<[b, n, V]>
}
