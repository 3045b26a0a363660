// 'dilatons' for 'dilations': a 3-layer dilated stack silently priced as 1 layer.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 2, dilatons = [1, 2, 4], causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
