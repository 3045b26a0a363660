// A block repeated once: one nn.add of 2·3 elements = 6 FLOPs.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 2, d = 3) {
  %y = nn.repeat<1>(%h = %x) : !nn.seq<[b, n, d]> {
    %s = nn.add %h, %h : !nn.seq<[b, n, d]>
    nn.yield %s : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
