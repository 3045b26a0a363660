// 8 heads over a width of 4.
nn.model @m(%x: !nn.seq<[b, n, 4]>) symbols(b = 1, n = 8) {
  %y = nn.attention %x {heads = 8} : !nn.seq<[b, n, 4]>
  nn.output %y : !nn.seq<[b, n, 4]>
}
