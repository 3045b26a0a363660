// A centred window of 1 key: a = c = 0, S = n·1 = 8: 1,312 FLOPs, 80 params.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = 1, window = 1} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
