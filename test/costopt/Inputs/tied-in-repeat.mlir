// A tied LM head inside nn.repeat (decompose-tied.test): every iteration
// reads the one table of the top-level embedding, counted once.
nn.model @tied_in_repeat(%t: !nn.tokens<[b, n]>) symbols(b = 2, n = 8, d = 16, V = 50, L = 2) where (d mod 2 == 0) {
  %x = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %y = nn.repeat<L>(%h = %x) : !nn.seq<[b, n, d]> {
    %a = nn.attention %h {heads = 2, causal} : !nn.seq<[b, n, d]>
    %l = nn.unembedding %a {vocab = V, tied} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
    %s = nn.softmax %l : !nn.seq<[b, n, V]>
    %e = nn.linear %s : !nn.seq<[b, n, V]> -> !nn.seq<[b, n, d]>
    nn.yield %e : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
