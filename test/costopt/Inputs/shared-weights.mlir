nn.model @albert_like(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 128, d = 64, h = 4, L = 12)
    where (d mod h == 0) {
  %y = nn.repeat<L>(%h0 = %x) : !nn.seq<[b, n, d]> attributes {shared_weights} {
    %a = nn.attention %h0 {heads = h} : !nn.seq<[b, n, d]>
    %r = nn.add %h0, %a : !nn.seq<[b, n, d]>
    %f = nn.ffn %r {hidden = 4*d, activation = "gelu"} : !nn.seq<[b, n, d]>
    %o = nn.add %r, %f : !nn.seq<[b, n, d]>
    nn.yield %o : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
