// A GPT-2-sized decoder written with built-in layers, decomposed by
// decompose.test (--emit primitives) and analysed at both levels.
nn.model @gpt(%t: !nn.tokens<[b, n]>) symbols(b = 1, n = 1024, d = 768, h = 12, V = 50257, L = 12) where (d mod h == 0) {
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %y = nn.repeat<L>(%x = %e) : !nn.seq<[b, n, d]> {
    %n1 = nn.layer_norm %x : !nn.seq<[b, n, d]>
    %a = nn.attention %n1 {heads = h, causal} : !nn.seq<[b, n, d]>
    %r1 = nn.add %x, %a : !nn.seq<[b, n, d]>
    %n2 = nn.layer_norm %r1 : !nn.seq<[b, n, d]>
    %f = nn.ffn %n2 {hidden = 4*d, activation = "gelu_tanh"} : !nn.seq<[b, n, d]>
    %r2 = nn.add %r1, %f : !nn.seq<[b, n, d]>
    nn.yield %r2 : !nn.seq<[b, n, d]>
  }
  %o = nn.unembedding %y {vocab = V} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %o : !nn.seq<[b, n, V]>
}
