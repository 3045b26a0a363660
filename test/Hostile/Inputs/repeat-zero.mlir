// A block repeated L - L = 0 times.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, L = 2) {
  %y = nn.repeat<L - L>(%h = %x) : !nn.seq<[b, n, d]> {
    %s = nn.add %h, %h : !nn.seq<[b, n, d]>
    nn.yield %s : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
