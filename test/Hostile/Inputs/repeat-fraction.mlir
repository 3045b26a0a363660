// A block repeated L/2 times with nothing saying 2 divides L (and L = 3).
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, L = 3) {
  %y = nn.repeat<L/2>(%h = %x) : !nn.seq<[b, n, d]> {
    %s = nn.add %h, %h : !nn.seq<[b, n, d]>
    nn.yield %s : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
