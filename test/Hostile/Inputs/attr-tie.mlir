// 'tie' for 'tied': the embedding table is silently counted twice.
nn.model @m(%t: !nn.tokens<[b, n]>) symbols(b = 1, n = 8, d = 4, V = 16) {
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %l = nn.unembedding %e {vocab = V, tie} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %l : !nn.seq<[b, n, V]>
}
